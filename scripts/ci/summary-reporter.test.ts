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
  /** The backend of the test's block (a suite test). */
  backend?: string;
  meta?: { target?: string; convergence?: { what: string; ms: number }[] };
};

/** Just the parts of Vitest's TestModule (and its tests) the reporter reads. */
function fakeModule(project: string, file: string, results: Result[], failed = false): TestModule {
  const module = { type: "module" };
  const block = (backend?: string) => ({
    type: "suite",
    parent: { type: "suite", parent: module, meta: () => (backend ? { backend } : {}) },
    meta: () => ({}),
  });
  return {
    project: { name: project },
    relativeModuleId: file,
    state: () => (failed ? "failed" : "passed"),
    diagnostic: () => ({ duration: 1500 }),
    children: {
      allTests: () =>
        results.map((r) => ({
          result: () => r,
          meta: () => r.meta ?? {},
          parent: block(r.backend),
          diagnostic: () => ({ duration: 500 }),
        })),
    },
  } as unknown as TestModule;
}

describe("summary reporter", () => {
  it("names suites by file and counts each suite per backend its tests ran on", () => {
    expect(suiteName("suites/create.suite.ts")).toBe("create");
    expect(suiteName("src/app.test.ts")).toBe("src/app");
    const rows = summarize([
      fakeModule("suites", "suites/get.suite.ts", [
        { state: "passed", backend: "kv" },
        { state: "failed", backend: "kv" },
        { state: "skipped", note: "why", backend: "memory" },
      ]),
      fakeModule("suites", "suites/list.suite.ts", [], true),
      fakeModule("unit", "src/app.test.ts", [{ state: "passed" }]),
    ]);
    const row = { verification: true, passed: 0, failed: 0, skipped: 0 };
    expect(rows).toEqual([
      { ...row, suite: "get", backend: "kv", passed: 1, failed: 1, ms: 1000 },
      { ...row, suite: "get", backend: "memory", skipped: 1, ms: 500 },
      // A file that failed to load ran on no backend.
      { ...row, suite: "list", backend: "suites", failed: 1, ms: 0 },
      { ...row, suite: "src/app", backend: "unit", verification: false, passed: 1, ms: 1500 },
    ]);
    expect(formatTable(rows).split("\n")[2]).toMatch(/^get\s+kv\s+1\s+1\s+0\s+1\.0s$/);
  });

  it("lists why suite checks were skipped, once per reason, leaving unit tests out", () => {
    const reasons = skipReasons([
      fakeModule("suites", "suites/a.suite.ts", [
        { state: "skipped", note: "the memory backend never reads KV", backend: "memory" },
        { state: "skipped", note: "the memory backend never reads KV", backend: "memory" },
        { state: "skipped", backend: "memory" },
      ]),
      fakeModule("unit", "src/x.test.ts", [{ state: "skipped", note: "unit skip" }]),
    ]);
    expect(reasons).toEqual(["2 x memory: the memory backend never reads KV"]);
  });

  it("says which target each backend ran against and how many cases ran, skipped and failed", () => {
    const modules = [
      fakeModule("suites", "suites/get.suite.ts", [
        { state: "passed", backend: "kv", meta: { target: "kv: http://127.0.0.1:8821" } },
        { state: "failed", backend: "kv", meta: { target: "kv: http://127.0.0.1:8821" } },
        { state: "skipped", backend: "kv", note: 'needs control "clock"' },
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
