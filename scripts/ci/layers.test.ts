/**
 * Dependencies point one way (docs/decisions/architecture.md): every module a file names (imports,
 * dynamic `import()`, import types in code and JSDoc, references, mocks, paths to bundled files:
 * `importsOf`), in every folder, goes to the importer's own layer or one below it, and within layer 2 the share Worker
 * (`src/`) and the harness core (`harness/`) do not import each other. Tests may reach up to layer
 * 4 (a real Worker and fixtures to test against); code never does. The imports that still point
 * the wrong way are listed by name in `NOT_YET`: a new one fails, and so does a listed one that is
 * gone (the list must shrink as the tree follows the map).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "../..");

/** Longest prefix first. Layer numbers as in the architecture note. */
const LAYERS: [prefix: string, layer: number][] = [
  ["lib/", 1],
  ["src/", 2],
  ["examples/", 2],
  ["harness/share/", 3],
  ["harness/", 2],
  ["fixtures/", 4],
  ["mutants/", 4],
  ["cli/", 5],
  ["suites/", 5],
  ["reliability/", 5],
  ["bench/", 5],
  ["scripts/", 5],
  ["", 5],
];

/** Within layer 2, the Worker, the core and the example Worker do not know each other. */
const ISLANDS = ["src/", "harness/", "examples/"];

/** The highest layer a test may import from. */
const TEST_REACH = 4;

/**
 * Imports (`importer -> target`) that do not follow the map yet, each named with what is left to
 * do (none now: a new one fails this test).
 */
const NOT_YET = new Set<string>([]);

const layerOf = (file: string) => LAYERS.find(([prefix]) => file.startsWith(prefix))![1];
const islandOf = (file: string) => ISLANDS.find((p) => file.startsWith(p));
const isTest = (file: string) =>
  /\.(test|suite)\.ts$/.test(file) ||
  file.includes("/test-support/") ||
  file.includes("/testing/") ||
  file.startsWith("suites/support/");

/** Every file that can name another module: code, declarations and the dashboard's page. */
function sources(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter((f) => CODE.test(f) && !f.includes("node_modules/"));
}

const CODE = /\.([cm]?[jt]s|tsx|html)$/;

/** A call's callee as written (`import`, `require`, `vi.mock`, `path.join`), or undefined. */
function calleeOf(node: ts.CallExpression): string | undefined {
  if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return "import";
  if (ts.isIdentifier(node.expression)) return node.expression.text;
  if (ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression))
    return `${node.expression.expression.text}.${node.expression.name.text}`;
  return undefined;
}

/** Calls whose first argument names a module: dynamic import, require, Vitest's module mocks. */
const MODULE_CALLS = new Set([
  "import",
  "require",
  "require.resolve",
  "vi.mock",
  "vi.doMock",
  "vi.importActual",
  "vi.importMock",
]);

/** Calls that build a path from their first argument, by node:path's default or named import. */
const PATH_CALLS = new Set(["path.join", "path.resolve", "join", "resolve"]);

const isMetaDir = (node: ts.Node) =>
  ts.isPropertyAccessExpression(node) &&
  ts.isMetaProperty(node.expression) &&
  (node.name.text === "dirname" || node.name.text === "url");

/**
 * Every relative module a file names, resolved to a path from the root: static and dynamic
 * imports and exports, `import type`, `import("…")` types (in code and in JSDoc), `require`,
 * `import x = require(…)`, Vitest's module mocks, `/// <reference path>`, a path built from
 * the file's own folder (`path.join(import.meta.dirname, "…")`, `new URL("…", import.meta.url)`:
 * a module bundled or booted by path), and `<script src>` in a page.
 */
export function importsOf(
  file: string,
  text = readFileSync(path.join(ROOT, file), "utf8"),
): string[] {
  const specs: string[] = [];
  if (file.endsWith(".html")) {
    for (const m of text.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g))
      specs.push(m[1]!);
    return resolved(file, specs);
  }
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  for (const ref of source.referencedFiles) specs.push(ref.fileName);
  const literal = (node: ts.Node | undefined) =>
    node && ts.isStringLiteralLike(node) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const spec = literal(node.moduleSpecifier);
      if (spec) specs.push(spec);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      const spec = literal(node.moduleReference.expression);
      if (spec) specs.push(spec);
    } else if (ts.isCallExpression(node)) {
      const callee = calleeOf(node);
      const first = literal(node.arguments[0]);
      if (callee && MODULE_CALLS.has(callee) && first) specs.push(first);
      // path.join(import.meta.dirname, "a", "b.ts") (or a named `join`/`resolve` from node:path):
      // every later argument a literal.
      if (callee && PATH_CALLS.has(callee) && node.arguments[0]) {
        const parts = node.arguments.slice(1).map(literal);
        if (isMetaDir(node.arguments[0]) && parts.length > 0 && parts.every((p) => p !== undefined))
          specs.push(`./${path.posix.join(...(parts as string[]))}`);
      }
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "URL"
    ) {
      const first = literal(node.arguments?.[0]);
      if (first && node.arguments?.[1] && isMetaDir(node.arguments[1])) specs.push(first);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const spec = literal(node.argument.literal);
      if (spec) specs.push(spec);
    }
    // JSDoc types (`@type {import("../types.js").Harness}`) are nodes of their own.
    for (const doc of (node as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(doc);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return resolved(file, specs);
}

/** Relative specifiers as paths from the root, kept when they name a module (not a folder). */
function resolved(file: string, specs: string[]): string[] {
  return specs
    .filter((s) => s.startsWith("./") || s.startsWith("../"))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)))
    .filter((target) => CODE.test(target) && !target.includes("node_modules/"));
}

/** Why an import breaks the map, or undefined when it follows it. */
export function problem(file: string, target: string): string | undefined {
  const from = layerOf(file);
  const to = layerOf(target);
  const reach = isTest(file) ? Math.max(from, TEST_REACH) : from;
  if (to > reach) return `layer ${from} imports layer ${to}`;
  const a = islandOf(file);
  const b = islandOf(target);
  if (from === 2 && to === 2 && a !== b && !isTest(file)) return `${a} imports ${b}`;
  return undefined;
}

describe("the layers", () => {
  const files = sources();
  const wrong = files.flatMap((file) =>
    importsOf(file).flatMap((target) => (problem(file, target) ? [`${file} -> ${target}`] : [])),
  );

  it("import only from their own layer or below", () => {
    expect(files.length).toBeGreaterThan(300);
    expect(wrong.filter((w) => !NOT_YET.has(w))).toEqual([]);
  });

  it("list no import as not yet following the map once it does", () => {
    expect([...NOT_YET].filter((w) => !wrong.includes(w))).toEqual([]);
  });

  it("catch an import that points up or across", () => {
    expect(problem("harness/node/runtime.ts", "src/clock.ts")).toBe("harness/ imports src/");
    expect(problem("src/app.ts", "harness/types.ts")).toBe("src/ imports harness/");
    expect(problem("lib/kv-limits.ts", "harness/types.ts")).toBe("layer 1 imports layer 2");
    expect(problem("harness/server/dev-server.ts", "fixtures/schema.ts")).toBe(
      "layer 2 imports layer 4",
    );
    expect(problem("harness/node/x.test.ts", "fixtures/schema.ts")).toBeUndefined();
    expect(problem("harness/node/x.test.ts", "cli/dev.ts")).toBe("layer 2 imports layer 5");
    expect(problem("fixtures/replay/replay-fixture.ts", "harness/index.ts")).toBeUndefined();
  });

  it("read every way a file names a module", () => {
    const ts = [
      '/// <reference path="../a/ref.d.ts" />',
      'import "./side.js";',
      'import type { T } from "./types.js";',
      'export * from "./re.js";',
      'import x = require("./eq.js");',
      'const m = await import("./dynamic.js");',
      'type U = import("./inline.js").U;',
      'vi.mock("./mocked.js");',
      'const hooks = path.join(import.meta.dirname, "..", "hooks.ts");',
      'const url = new URL("./asset.ts", import.meta.url);',
      'const root = path.join(import.meta.dirname, "../..");',
      'const worker = join(import.meta.dirname, "../workers", "entry.ts");',
      'const other = resolve(import.meta.dirname, "other.ts");',
      'import { z } from "zod";',
    ].join("\n");
    expect(importsOf("harness/node/x.ts", ts).sort()).toEqual(
      [
        "harness/a/ref.d.ts",
        "harness/node/side.js",
        "harness/node/types.js",
        "harness/node/re.js",
        "harness/node/eq.js",
        "harness/node/dynamic.js",
        "harness/node/inline.js",
        "harness/node/mocked.js",
        "harness/hooks.ts",
        "harness/node/asset.ts",
        "harness/workers/entry.ts",
        "harness/node/other.ts",
      ].sort(),
    );
    const js = '/** @param {import("../../src/app.js").AppType} a */\nexport const f = (a) => a;';
    expect(importsOf("harness/dashboard/x.js", js)).toEqual(["src/app.js"]);
    const html = '<script type="module" src="./app.js"></script><link href="./x.css">';
    expect(importsOf("harness/dashboard/index.html", html)).toEqual(["harness/dashboard/app.js"]);
  });
});
