/** @module Reads wrangler.jsonc and rewrites only the KV binding's ids, keeping comments and layout. */
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type Node,
  type ParseError,
} from "jsonc-parser";
import { SetupKvError } from "./errors.js";

/** What the script needs from wrangler.jsonc. */
export interface ParsedConfig {
  /** The Worker's `name`, used to find namespaces wrangler 3 created (`<name>-<BINDING>`). */
  workerName?: string;
  /** Current ids of the binding's entry, if it exists. */
  id?: string;
  previewId?: string;
}

/** Line and column (1-based) of an offset, as editors show them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function parseOrThrow(text: string, file: string): Node {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first || !tree) {
    const { line, column } = lineColumn(text, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : "empty file";
    const source = text.split(/\r\n|\r|\n/)[line - 1] ?? "";
    throw new SetupKvError(
      "CONFIG_UNPARSEABLE",
      `${file}:${line}:${column}: ${what}. The file is not valid JSONC, so it was left unchanged; fix it ` +
        `(your editor or \`npx wrangler deploy --dry-run\` shows the same spot) and run this script again.\n` +
        `    ${source}\n    ${" ".repeat(column - 1)}^`,
    );
  }
  if (tree.type !== "object") {
    throw new SetupKvError(
      "CONFIG_UNPARSEABLE",
      `${file}:1:1: the top level must be an object ({ ... }), not ${tree.type}.`,
    );
  }
  return tree;
}

/** Index of the binding's entry in `kv_namespaces`, or -1. Throws when `kv_namespaces` is not an array. */
function entryIndex(text: string, tree: Node, binding: string, file: string): number {
  const list = findNodeAtLocation(tree, ["kv_namespaces"]);
  if (!list) return -1;
  if (list.type !== "array") {
    const { line, column } = lineColumn(text, list.offset);
    throw new SetupKvError(
      "CONFIG_UNPARSEABLE",
      `${file}:${line}:${column}: "kv_namespaces" must be an array of { "binding", "id" } objects; fix it and run this script again.`,
    );
  }
  return (list.children ?? []).findIndex(
    (item) => findNodeAtLocation(item, ["binding"])?.value === binding,
  );
}

const stringAt = (tree: Node, path: (string | number)[]): string | undefined => {
  const node = findNodeAtLocation(tree, path);
  return node?.type === "string" ? (getNodeValue(node) as string) : undefined;
};

/** Parses the config and reads the binding's current ids. */
export function readBinding(text: string, binding: string, file: string): ParsedConfig {
  const tree = parseOrThrow(text, file);
  const index = entryIndex(text, tree, binding, file);
  const workerName = stringAt(tree, ["name"]);
  return {
    ...(workerName ? { workerName } : {}),
    ...(index >= 0 ? optional("id", stringAt(tree, ["kv_namespaces", index, "id"])) : {}),
    ...(index >= 0
      ? optional("previewId", stringAt(tree, ["kv_namespaces", index, "preview_id"]))
      : {}),
  };
}

/**
 * The buckets behind an R2 binding: `bucket_name`, and `preview_bucket_name` when it differs.
 * Empty when the config binds no such R2 bucket.
 */
export function readImageBuckets(text: string, binding: string, file: string): string[] {
  const tree = parseOrThrow(text, file);
  const list = findNodeAtLocation(tree, ["r2_buckets"]);
  const index =
    list?.type === "array"
      ? (list.children ?? []).findIndex(
          (item) => findNodeAtLocation(item, ["binding"])?.value === binding,
        )
      : -1;
  if (index < 0) return [];
  const names = ["bucket_name", "preview_bucket_name"].flatMap(
    (key) => stringAt(tree, ["r2_buckets", index, key]) ?? [],
  );
  return [...new Set(names)];
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** Indentation and line endings as the file already uses them, so inserted lines match. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  // First indented JSON line (a key or bracket), so a block comment's " * " does not count.
  const indent = /^([ \t]+)["{}[\]]/m.exec(text)?.[1] ?? "  ";
  return indent.startsWith("\t")
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * Returns `text` with the binding's entry set to `{ binding, id, preview_id }`: updates the two
 * values in place when the entry exists, appends an entry (or the `kv_namespaces` array) otherwise.
 */
export function writeBinding(
  text: string,
  binding: string,
  ids: { id: string; previewId: string },
  file: string,
): string {
  const tree = parseOrThrow(text, file);
  const formattingOptions = detectFormatting(text);
  const index = entryIndex(text, tree, binding, file);
  const edit = (current: string, path: (string | number)[], value: unknown) =>
    applyEdits(current, modify(current, path, value, { formattingOptions }));
  if (index < 0) {
    const entry = { binding, id: ids.id, preview_id: ids.previewId };
    const list = findNodeAtLocation(tree, ["kv_namespaces"]);
    return list ? edit(text, ["kv_namespaces", -1], entry) : edit(text, ["kv_namespaces"], [entry]);
  }
  let next = text;
  if (stringAt(tree, ["kv_namespaces", index, "id"]) !== ids.id)
    next = edit(next, ["kv_namespaces", index, "id"], ids.id);
  if (stringAt(tree, ["kv_namespaces", index, "preview_id"]) !== ids.previewId) {
    next = edit(next, ["kv_namespaces", index, "preview_id"], ids.previewId);
  }
  return next;
}
