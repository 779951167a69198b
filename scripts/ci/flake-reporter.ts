/**
 * @module scripts/ci/flake-reporter
 * The Vitest reporter `npm run test:flake` adds to each run: writes every failure (project, backend, file,
 * full test name, error) and the run's counts as JSON to the file named by FLAKE_REPORT. A file
 * that failed to load and an error outside any test count as failures too.
 */
import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";
import type { SerializedError } from "vitest";
import { backendOf } from "./test-backend.js";

export interface FlakeFailure {
  project: string;
  /** The backend a suite test ran on (its rerun sets SUITE_BACKENDS to it). */
  backend?: string;
  file: string;
  /** `describe > ... > test`, or `(file)` / `(outside tests)`. */
  test: string;
  error: string;
}

export interface FlakeRunReport {
  passed: number;
  failed: number;
  skipped: number;
  failures: FlakeFailure[];
}

const firstLines = (errors: ReadonlyArray<SerializedError>) =>
  errors
    .map((e) => `${e.name ?? "Error"}: ${e.message}`.split("\n").slice(0, 3).join("\n"))
    .join("\n");

export function collect(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError> = [],
): FlakeRunReport {
  const report: FlakeRunReport = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const module of modules) {
    const project = module.project.name || "default";
    const file = module.relativeModuleId;
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state === "passed") report.passed++;
      else if (result.state === "failed") {
        report.failed++;
        const backend = backendOf(test);
        report.failures.push({
          project,
          ...(backend ? { backend } : {}),
          file,
          test: test.fullName,
          error: firstLines(result.errors ?? []),
        });
      } else report.skipped++;
    }
    const moduleErrors = module.errors();
    if (moduleErrors.length > 0) {
      report.failed++;
      report.failures.push({ project, file, test: "(file)", error: firstLines(moduleErrors) });
    }
  }
  if (unhandled.length > 0) {
    report.failed++;
    report.failures.push({
      project: "-",
      file: "-",
      test: "(outside tests)",
      error: firstLines(unhandled),
    });
  }
  return report;
}

export default class FlakeReporter implements Reporter {
  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const file = process.env.FLAKE_REPORT;
    if (file) writeFileSync(file, JSON.stringify(collect(modules, unhandledErrors), null, 2));
  }
}
