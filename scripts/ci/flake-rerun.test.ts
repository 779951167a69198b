import { describe, expect, it } from "vitest";
import { rerunCommand } from "./flake-rerun.js";

describe("rerunCommand", () => {
  it("reruns a suite failure on its backend only, with its seed and order", () => {
    const failure = {
      project: "suites",
      backend: "kv",
      file: "suites/get.suite.ts",
      test: "get [kv] > answers 404 for an unknown id",
      error: "AssertionError",
    };
    expect(rerunCommand(failure, 7, true)).toBe(
      'FUZZ_SEED=7 SUITE_BACKENDS=kv npx vitest run --project suites suites/get.suite.ts -t "answers 404 for an unknown id" --sequence.shuffle --sequence.seed=7',
    );
  });

  it("reruns a unit failure by project and file, and a typecheck failure as the whole run", () => {
    const unit = { project: "unit", file: "src/app.test.ts", test: "(file)", error: "" };
    expect(rerunCommand(unit, 2, false)).toBe(
      "FUZZ_SEED=2 npx vitest run --project unit src/app.test.ts",
    );
    const typecheck = { project: "-", file: "-", test: "npm run typecheck", error: "" };
    expect(rerunCommand(typecheck, 2, false)).toBe("FUZZ_SEED=2 npx vitest run");
  });
});
