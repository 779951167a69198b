/**
 * Dependencies point one way (docs/decisions/architecture.md): every relative import in the
 * repository goes to the importer's own layer or one below it, and within layer 2 the share Worker
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

function sources(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith(".d.ts"));
}

/** Every relative module specifier of a file, resolved to a path from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) specs.push(literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs
    .filter((s) => s.startsWith("./") || s.startsWith("../"))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
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
});
