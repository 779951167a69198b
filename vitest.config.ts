import { defineConfig } from "vitest/config";
import { projects } from "./vitest.workspace";

export default defineConfig({
  test: {
    projects,
    // The run's own temp folder and process marker: nothing outlives the run (run-scope.ts).
    globalSetup: ["./scripts/ci/vitest-run-scope.ts"],
    // Two cores: each suite file boots its own workerd, so keep the worker count small.
    maxWorkers: 2,
    // The Worker logs one JSON line per storage operation; show them only for failing tests.
    silent: "passed-only",
    reporters: [
      "default",
      "./scripts/ci/summary-reporter.ts",
      "junit",
      ...(process.env.GITHUB_ACTIONS ? ["github-actions"] : []),
    ],
    outputFile: { junit: "reports/junit.xml" },
  },
});
