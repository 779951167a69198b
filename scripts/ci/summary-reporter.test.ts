import type { TestModule } from "vitest/node";
import { describe, expect, it } from "vitest";
import { formatTable, skipReasons, suiteName, summarize } from "./summary-reporter";

type Result = { state: string; note?: string };

/** Just the parts of Vitest's TestModule the reporter reads. */
function fakeModule(project: string, file: string, results: Result[], failed = false): TestModule {
  return {
    project: { name: project },
    relativeModuleId: file,
    state: () => (failed ? "failed" : "passed"),
    diagnostic: () => ({ duration: 1500 }),
    children: { allTests: () => results.map((r) => ({ result: () => r })) },
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
});
