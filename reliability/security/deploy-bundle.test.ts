/**
 * The control API and every other harness piece exist only locally: the bundle `wrangler deploy`
 * would upload holds `src/` and the runtime dependencies, nothing else.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildDeployBundle,
  hasSourceMap,
  runtimeDependencies,
  scanBundle,
} from "./deploy-bundle.js";

const ROOT = path.join(import.meta.dirname, "../../");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bundle-scan-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("scanBundle", () => {
  it("flags harness routes, mutants, patched sources and sources outside src/", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "out"));
    const out = path.join(dir, "out");
    writeFileSync(
      path.join(out, "index.js"),
      'app.get("/__harness/state", h); import("./mutants/rmw.js");',
    );
    writeFileSync(
      path.join(out, "index.js.map"),
      JSON.stringify({
        version: 3,
        sources: [
          "../src/app.ts",
          "../src/store.ts",
          "../harness/server/control-api.ts",
          "../node_modules/msw/lib/core.js",
        ],
        sourcesContent: ["export const app = 1;\n", "patched by a mutant\n", "", ""],
      }),
    );
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src", "app.ts"), "export const app = 1;\n");
    writeFileSync(path.join(dir, "src", "store.ts"), "the real store\n");
    const problems = scanBundle(out, dir, ["hono"]).map((f) => f.problem);
    expect(problems).toEqual(
      expect.arrayContaining([
        'contains "/__harness"',
        'contains "mutants/"',
        "bundles harness/server/control-api.ts",
        "bundles node_modules/msw",
        "src/store.ts differs from the file on disk",
      ]),
    );
    expect(problems.join("\n")).not.toMatch(/src\/app\.ts/);
  });
});

describe("the deployed bundle (wrangler deploy --dry-run)", () => {
  it("contains only src/ and runtime dependencies, and no control API", () => {
    const out = tempDir();
    const output = buildDeployBundle(ROOT, out);
    expect(output).toMatch(/--dry-run: exiting now/);
    // Real wrangler reads the same ratelimits binding the harness emulates.
    expect(output).toMatch(/env\.SHARE_CREATE_LIMITER \(\d+ requests\/60s\)\s+Rate Limit/);
    expect(hasSourceMap(out)).toBe(true);
    expect(scanBundle(out, ROOT, runtimeDependencies(ROOT))).toEqual([]);
  });
});
