/**
 * @module mutants/anchor
 * Turns a mutant's edits, each anchored on a named function, method or constant, into the exact
 * `SourcePatch`es the harness applies at bundle time, from the sources as they are now. Inside its
 * symbol an edit finds its code by tokens (line breaks, indentation and comments do not matter),
 * exactly once; the patch then replaces the whole symbol, so the same text elsewhere in the file
 * is never touched. A symbol that is gone, ambiguous, or no longer holds the code is an
 * `ANCHOR_MISMATCH` naming the mutant's edit: a refactor cannot break a mutant silently.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as ts from "typescript";
import type { SourcePatch } from "../harness/types.js";
import { ProjectError } from "../lib/project-error.js";

export interface AnchoredEdit {
  /** Relative to the project root. */
  file: string;
  /**
   * The declaration the edit is inside: a function, class, method, property or constant, with
   * dots for nesting (`ShareStore.save`, `withReadCache.delete`, `monitoringRoutes`).
   */
  symbol: string;
  /** Code inside the symbol to change, matched by tokens; must occur exactly once there. */
  find: string;
  replace: string;
}

export class AnchorMismatchError extends ProjectError<"ANCHOR_MISMATCH"> {
  constructor(edit: AnchoredEdit, problem: string) {
    super(
      "ANCHOR_MISMATCH",
      `${edit.file} ${edit.symbol}: ${problem}. Re-anchor the mutant in mutants/catalog.ts on the code that now does this.`,
    );
  }
}

// TypeScript's compiler takes about 0.4 s to load; only resolving a mutant's edits needs it, not
// every process that imports the catalog (each suite worker, test:kv-storage).
let loaded: typeof ts | undefined;
const compiler = () => (loaded ??= createRequire(import.meta.url)("typescript") as typeof ts);

interface Token {
  text: string;
  start: number;
  end: number;
}

/** The name a declaration is found by, if it has one. */
function declaredName(node: ts.Node): string | undefined {
  const tsc = compiler();
  if (
    tsc.isFunctionDeclaration(node) ||
    tsc.isClassDeclaration(node) ||
    tsc.isMethodDeclaration(node) ||
    tsc.isPropertyDeclaration(node) ||
    tsc.isPropertyAssignment(node) ||
    tsc.isGetAccessorDeclaration(node) ||
    tsc.isVariableDeclaration(node)
  ) {
    const name = node.name;
    if (name && (tsc.isIdentifier(name) || tsc.isStringLiteral(name))) return name.text;
  }
  return undefined;
}

function declarationsNamed(root: ts.Node, name: string): ts.Node[] {
  const tsc = compiler();
  const found: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    if (declaredName(node) === name) found.push(node);
    else tsc.forEachChild(node, visit);
  };
  tsc.forEachChild(root, visit);
  return found;
}

/** The node of `symbol` (`A.b.c`: `c` declared somewhere inside `b`, inside `A`). */
function findSymbol(source: ts.SourceFile, edit: AnchoredEdit): ts.Node {
  let scope: ts.Node = source;
  for (const part of edit.symbol.split(".")) {
    const found = declarationsNamed(scope, part);
    if (found.length !== 1) {
      throw new AnchorMismatchError(
        edit,
        found.length === 0
          ? `no declaration named ${part}`
          : `${found.length} declarations named ${part}`,
      );
    }
    scope = found[0]!;
  }
  return scope;
}

/** The tokens of a parsed node, in order (comments and JSDoc left out). */
function nodeTokens(node: ts.Node, source: ts.SourceFile): Token[] {
  const tsc = compiler();
  const out: Token[] = [];
  const visit = (n: ts.Node) => {
    if (n.kind >= tsc.SyntaxKind.FirstJSDocNode && n.kind <= tsc.SyntaxKind.LastJSDocNode) return;
    const children = n.getChildren(source);
    if (children.length === 0) {
      const start = n.getStart(source);
      if (n.end > start) out.push({ text: source.text.slice(start, n.end), start, end: n.end });
      return;
    }
    for (const child of children) visit(child);
  };
  visit(node);
  return out;
}

/** The tokens of a code fragment (it need not parse on its own). */
export function fragmentTokens(code: string): string[] {
  const tsc = compiler();
  const scanner = tsc.createScanner(
    tsc.ScriptTarget.Latest,
    true,
    tsc.LanguageVariant.Standard,
    code,
  );
  const out: string[] = [];
  for (let kind = scanner.scan(); kind !== tsc.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    out.push(scanner.getTokenText());
  }
  return out;
}

/** Offsets in the file of the one place `find` occurs inside `node`. */
function locate(node: ts.Node, source: ts.SourceFile, edit: AnchoredEdit): [number, number] {
  const tokens = nodeTokens(node, source);
  const wanted = fragmentTokens(edit.find);
  if (wanted.length === 0) throw new AnchorMismatchError(edit, "the edit's find is empty");
  const hits: number[] = [];
  for (let i = 0; i + wanted.length <= tokens.length; i++) {
    if (wanted.every((text, j) => tokens[i + j]!.text === text)) hits.push(i);
  }
  if (hits.length !== 1) {
    throw new AnchorMismatchError(
      edit,
      `${JSON.stringify(edit.find)} occurs ${hits.length} times in it, not once`,
    );
  }
  const first = hits[0]!;
  return [tokens[first]!.start, tokens[first + wanted.length - 1]!.end];
}

/**
 * The harness patches for `edits`, from the files under `root` now: one patch per symbol, whose
 * `find` is the symbol's whole text and whose `replace` has every edit inside it applied.
 */
export function resolveEdits(root: string, edits: readonly AnchoredEdit[]): SourcePatch[] {
  const tsc = compiler();
  const bySymbol = new Map<string, AnchoredEdit[]>();
  for (const edit of edits) {
    const id = `${edit.file}#${edit.symbol}`;
    bySymbol.set(id, [...(bySymbol.get(id) ?? []), edit]);
  }
  const patches: SourcePatch[] = [];
  for (const group of bySymbol.values()) {
    const first = group[0]!;
    let text: string;
    try {
      text = readFileSync(path.join(root, first.file), "utf8");
    } catch {
      throw new AnchorMismatchError(first, "the file does not exist");
    }
    const source = tsc.createSourceFile(first.file, text, tsc.ScriptTarget.Latest, true);
    const node = findSymbol(source, first);
    const start = node.getStart(source);
    const ranges = group
      .map((edit) => ({ edit, range: locate(node, source, edit) }))
      .sort((a, b) => b.range[0] - a.range[0]);
    let replaced = text.slice(start, node.end);
    let previousStart = Infinity;
    for (const { edit, range } of ranges) {
      if (range[1] > previousStart) throw new AnchorMismatchError(edit, "two edits overlap");
      previousStart = range[0];
      replaced =
        replaced.slice(0, range[0] - start) + edit.replace + replaced.slice(range[1] - start);
    }
    const find = text.slice(start, node.end);
    if (text.split(find).length - 1 !== 1) {
      throw new AnchorMismatchError(first, "the symbol's text occurs more than once in the file");
    }
    patches.push({ file: first.file, find, replace: replaced });
  }
  return patches;
}
