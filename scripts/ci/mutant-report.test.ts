import { describe, expect, it } from "vitest";
import { judgeMutant, type VitestJsonReport } from "./mutant-report.js";

const test = (suite: string, status: string, failureMessages: string[] = []) => ({
  ancestorTitles: [suite],
  title: "a check",
  status,
  failureMessages,
});

describe("judgeMutant", () => {
  it("names every suite (with its backend) that failed against the mutant", () => {
    const report: VitestJsonReport = {
      testResults: [
        {
          name: "suites/list.suite.ts",
          assertionResults: [test("list [kv]", "failed"), test("list [kv]", "passed")],
        },
        {
          name: "suites/get.suite.ts",
          assertionResults: [test("get [memory]", "failed"), test("get [kv]", "skipped")],
        },
      ],
    };
    expect(judgeMutant(report)).toEqual({
      killedBy: ["get [memory]", "list [kv]"],
      failedTests: 2,
    });
  });

  it("reports a survivor as killed by nothing", () => {
    const report = {
      testResults: [{ name: "x", assertionResults: [test("create [kv]", "passed")] }],
    };
    expect(judgeMutant(report).killedBy).toEqual([]);
  });

  it("does not count a mutant that failed to build as killed", () => {
    const report = {
      testResults: [
        {
          name: "suites/create.suite.ts",
          assertionResults: [
            test("create [kv]", "failed", ["HarnessError: [harness] BUNDLE_FAILED bundling ..."]),
          ],
        },
      ],
    };
    expect(judgeMutant(report)).toMatchObject({ killedBy: [], broken: expect.any(String) });
  });
});
