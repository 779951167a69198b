import { describe, expect, it } from "vitest";
import type { MutantResult, MutationTestResult } from "mutation-testing-report-schema";
import { mutationSummary } from "./mutation-summary.js";

const mutant = (id: string, status: MutantResult["status"], line: number): MutantResult => ({
  id,
  mutatorName: "ConditionalExpression",
  replacement: "true",
  status,
  location: { start: { line, column: 5 }, end: { line, column: 9 } },
});

const report = (mutants: MutantResult[]): MutationTestResult => ({
  schemaVersion: "2",
  thresholds: { high: 90, low: 85 },
  files: {
    "src/a.ts": { language: "typescript", source: "x", mutants: mutants.slice(0, 2) },
    "src/b.ts": { language: "typescript", source: "y", mutants: mutants.slice(2) },
  },
});

describe("mutationSummary", () => {
  const four = report([
    mutant("1", "Killed", 3),
    mutant("2", "Survived", 7),
    mutant("3", "Timeout", 1),
    mutant("4", "NoCoverage", 2),
  ]);

  it("prints the score, counts, and every undetected mutant with file:line:column", () => {
    const text = mutationSummary(four, 40);
    expect(text).toContain("mutation score: 50.00% (break at 40%: pass)");
    expect(text).toContain("mutants: 4: killed 1, timeout 1, survived 1, no coverage 1");
    expect(text).toContain('src/a.ts:7:5  Survived  ConditionalExpression  "true"');
    expect(text).toContain('src/b.ts:2:5  NoCoverage  ConditionalExpression  "true"');
    expect(text).not.toContain("src/a.ts:3:5");
    expect(text).toMatch(/src\/a\.ts\s+50\.00%/);
  });

  it("says FAIL when the score is below the break threshold", () => {
    expect(mutationSummary(four, 75)).toContain("(below break 75%: FAIL)");
  });

  it("leaves ignored mutants out of the score", () => {
    const text = mutationSummary(
      report([mutant("1", "Killed", 1), mutant("2", "Ignored", 2)]),
      null,
    );
    expect(text).toContain("mutation score: 100.00%\n");
    expect(text).toContain("undetected (0):\n  none");
  });
});

describe("mutationSummary with the census of src/", () => {
  it("says how many of src/'s mutants the score covers and which files have no result", () => {
    const partial = report([mutant("1", "Killed", 3), mutant("2", "Survived", 7)]);
    const census = new Map([
      ["src/a.ts", 4],
      ["src/b.ts", 0],
      ["src/c.ts", 6],
    ]);
    const text = mutationSummary(partial, 40, census);
    expect(text).toContain("mutation score: 50.00% (break at 40%: pass)");
    expect(text).toContain(
      "results for 2 of the 10 mutants in src/ (20.0%); the score covers only those, the other 8 have not been run",
    );
    expect(text).toContain("files with no result (1): src/c.ts");
    expect(text).toMatch(/src\/a\.ts\s+50\.00%\s+results 2\/4/);
    expect(text).toMatch(/src\/c\.ts\s+n\/a\s+results 0\/6/);
  });

  it("says the score covers all of src/ when every mutant has a result", () => {
    const full = report([mutant("1", "Killed", 3), mutant("2", "Survived", 7)]);
    const text = mutationSummary(full, null, new Map([["src/a.ts", 2]]));
    expect(text).toContain("results for 2 of the 2 mutants in src/ (100.0%); the score covers all");
    expect(text).not.toContain("files with no result");
  });
});
