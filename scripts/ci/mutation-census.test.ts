import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mutantCensus } from "./mutation-census.js";

describe("mutantCensus", () => {
  const root = mkdtempSync(path.join(tmpdir(), "mutation-census-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it("counts Stryker's mutants per source file of src/, leaving out tests and test support", async () => {
    write("src/limits.ts", "export const over = (n: number): boolean => n > 10;\n");
    write("src/types.ts", "export type Id = string;\n");
    write("src/limits.test.ts", "export const t = (n: number) => n > 1 && n < 5;\n");
    write("src/testing/helper.ts", "export const h = (n: number) => n === 1;\n");
    write("harness/other.ts", "export const o = (n: number) => n === 1;\n");
    const census = await mutantCensus(root);
    expect([...census.keys()]).toEqual(["src/limits.ts", "src/types.ts"]);
    expect(census.get("src/types.ts")).toBe(0);
    // `n > 10`: true, false, `n >= 10`, `n <= 10` at least.
    expect(census.get("src/limits.ts")).toBeGreaterThanOrEqual(4);
  });
});
