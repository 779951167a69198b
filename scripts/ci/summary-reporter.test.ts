import type { TestModule } from "vitest/node";
import { describe, expect, it } from "vitest";
import {
  convergenceLine,
  formatTable,
  skipReasons,
  suiteName,
  suiteTotals,
  summarize,
  targets,
} from "./summary-reporter.js";

type Result = {
  state: string;
  note?: string;
  meta?: { target?: string; convergence?: { what: string; ms: number }[] };
};

/** Just the parts of Vitest's TestModule the reporter reads. */
function fakeModule(project: string, file: string, results: Result[], failed = false): TestModule {
  return {
    project: { name: project },
    relativeModuleId: file,
    state: () => (failed ? "failed" : "passed"),
    diagnostic: () => ({ duration: 1500 }),
    children: {
      allTests: () => results.map((r) => ({ result: () => r, meta: () => r.meta ?? {} })),
    },
  } as unknown as TestModule;
}

describe("summary reporter", () => {
  it("names suites by file and counts each suite per backend", () => {
    expect(suiteName("suites/create.suite.ts")).toBe("create");
    expect(suiteName("src/app.test.ts")).toBe("src/app");
    const rows = summarize([
      fakeModule("kv", "suites/get.suite.ts", [{ state: "passed" }, { state: "failed" }]),
      fakeModule("memory", "suites/get.suite.ts", [{ state: "skipped", note: "why" }]),
      fakeModule("kv", "suites/list.suite.ts", [], true),
    ]);
    expect(rows).toEqual([
      { suite: "get", project: "kv", passed: 1, failed: 1, skipped: 0, ms: 1500 },
      { suite: "list", project: "kv", passed: 0, failed: 1, skipped: 0, ms: 1500 },
      { suite: "get", project: "memory", passed: 0, failed: 0, skipped: 1, ms: 1500 },
    ]);
    expect(formatTable(rows).split("\n")[2]).toMatch(/^get\s+kv\s+1\s+1\s+0\s+1\.5s$/);
  });

  it("lists why suite checks were skipped, once per reason, leaving unit tests out", () => {
    const reasons = skipReasons([
      fakeModule("memory", "suites/a.suite.ts", [
        { state: "skipped", note: "the memory backend never reads KV" },
        { state: "skipped", note: "the memory backend never reads KV" },
        { state: "skipped" },
      ]),
      fakeModule("unit", "src/x.test.ts", [{ state: "skipped", note: "unit skip" }]),
    ]);
    expect(reasons).toEqual(["2 x memory: the memory backend never reads KV"]);
  });

  it("says which target each backend ran against and how many cases ran, skipped and failed", () => {
    const modules = [
      fakeModule("kv", "suites/get.suite.ts", [
        { state: "passed", meta: { target: "kv: http://127.0.0.1:8821" } },
        { state: "failed", meta: { target: "kv: http://127.0.0.1:8821" } },
        { state: "skipped", note: 'needs control "clock"' },
      ]),
      fakeModule("unit", "src/x.test.ts", [{ state: "passed", meta: { target: "ignored" } }]),
    ];
    expect(targets(modules)).toEqual(["kv: http://127.0.0.1:8821"]);
    expect(suiteTotals(summarize(modules))).toBe(
      "suite cases: 2 ran (1 passed, 1 failed), 1 skipped",
    );
  });

  it("reports how long eventually consistent checks took, and nothing when none polled", () => {
    const polled = (what: string, ms: number): Result => ({
      state: "passed",
      meta: { convergence: [{ what, ms }] },
    });
    expect(convergenceLine([fakeModule("kv", "suites/a.suite.ts", [{ state: "passed" }])])).toBe(
      undefined,
    );
    expect(
      convergenceLine([
        fakeModule("kv", "suites/a.suite.ts", [polled("listed", 40), polled("gone", 2500)]),
        fakeModule("kv", "suites/b.suite.ts", [polled("read", 300)]),
      ]),
    ).toBe(
      "eventual consistency: 3 checks polled; converged in median 300 ms, slowest 2500 ms (gone)",
    );
  });
});
