/**
 * @module scripts/ci/summary-reporter
 * A Vitest reporter that prints one table at the end of a run: suite x backend with
 * passed, failed, skipped and time; then which target each backend ran against, how many suite
 * cases ran, were skipped (grouped by reason) and failed, and how long eventually consistent
 * checks took to converge. Used beside the default reporter by `npm test` and
 * `npm run test:kv-storage`, so the six checks read at a glance in a terminal or a CI log.
 */
import { basename } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { SUITES_PROJECT } from "./kv-storage-args.js";
import { backendOf } from "./test-backend.js";

interface Row {
  suite: string;
  /** The backend a suite's tests ran on; for other projects, the project. */
  backend: string;
  /** A row of the six suites (the `suites` project). */
  verification: boolean;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
}

/** Suite name from a file: `suites/create.suite.ts` → `create`, `src/app.test.ts` → `src/app`. */
export function suiteName(relativeModuleId: string): string {
  const file = basename(relativeModuleId);
  const suite = file.match(/^(.*)\.suite\.[cm]?[jt]s$/);
  if (suite?.[1]) return suite[1];
  return relativeModuleId.replace(/\.test\.[cm]?[jt]s$/, "");
}

const isSuites = (module: TestModule) => module.project.name === SUITES_PROJECT;

export function summarize(modules: ReadonlyArray<TestModule>): Row[] {
  const rows = new Map<string, Row>();
  const rowOf = (suite: string, backend: string, verification: boolean) => {
    const key = `${suite}\u0000${backend}`;
    let row = rows.get(key);
    if (!row) {
      row = { suite, backend, verification, passed: 0, failed: 0, skipped: 0, ms: 0 };
      rows.set(key, row);
    }
    return row;
  };
  for (const module of modules) {
    const project = module.project.name || "default";
    const suite = suiteName(module.relativeModuleId);
    const verification = isSuites(module);
    // A suite file runs on every backend: its time is its tests', per backend.
    if (!verification) rowOf(suite, project, false).ms += module.diagnostic().duration;
    let failed = false;
    for (const test of module.children.allTests()) {
      const row = rowOf(suite, verification ? (backendOf(test) ?? project) : project, verification);
      const state = test.result().state;
      if (state === "passed") row.passed++;
      else if (state === "failed") {
        row.failed++;
        failed = true;
      } else row.skipped++;
      if (verification) row.ms += test.diagnostic()?.duration ?? 0;
    }
    // A module that failed to load has no tests but must still count as a failure.
    if (module.state() === "failed" && !failed) rowOf(suite, project, verification).failed++;
  }
  return [...rows.values()].sort(
    (a, b) => a.backend.localeCompare(b.backend) || a.suite.localeCompare(b.suite),
  );
}

/** Why suite checks were skipped (the note given to `ctx.skip(note)`), with how many per reason. */
export function skipReasons(modules: ReadonlyArray<TestModule>): string[] {
  const counts = new Map<string, number>();
  for (const module of modules) {
    if (!isSuites(module)) continue;
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state !== "skipped" || !result.note) continue;
      const key = `${backendOf(test) ?? module.project.name}: ${result.note}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${n} x ${k}`);
}

/** The targets the suite cases ran against (`backend: label`, from each test's meta). */
export function targets(modules: ReadonlyArray<TestModule>): string[] {
  const seen = new Set<string>();
  for (const module of modules) {
    if (!isSuites(module)) continue;
    for (const test of module.children.allTests()) {
      const target = test.meta().target;
      if (target) seen.add(target);
    }
  }
  return [...seen].sort();
}

/** One line: how many suite cases ran (passed, failed) and how many were skipped. */
export function suiteTotals(rows: Row[]): string {
  const suites = rows.filter((r) => r.verification);
  const sum = (k: "passed" | "failed" | "skipped") => suites.reduce((n, r) => n + r[k], 0);
  const ran = sum("passed") + sum("failed");
  return `suite cases: ${ran} ran (${sum("passed")} passed, ${sum("failed")} failed), ${sum("skipped")} skipped`;
}

/** How long the checks that polled for eventual consistency took, or undefined when none did. */
export function convergenceLine(modules: ReadonlyArray<TestModule>): string | undefined {
  const all: { what: string; ms: number }[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests()) all.push(...(test.meta().convergence ?? []));
  }
  if (all.length === 0) return undefined;
  const sorted = [...all].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!.ms;
  const slowest = sorted[sorted.length - 1]!;
  return `eventual consistency: ${all.length} checks polled; converged in median ${median} ms, slowest ${slowest.ms} ms (${slowest.what})`;
}

export function formatTable(rows: Row[]): string {
  const header = ["suite", "backend", "passed", "failed", "skipped", "time"];
  const body = rows.map((r) => [
    r.suite,
    r.backend,
    String(r.passed),
    String(r.failed),
    String(r.skipped),
    `${(r.ms / 1000).toFixed(1)}s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const all = summarize(modules);
    // The table is about the suites x backends; other projects appear only when they fail.
    const rows = all.filter((r) => r.verification || r.failed > 0);
    if (rows.length > 0) {
      process.stdout.write(`\nVerification suites by backend\n${formatTable(rows)}\n`);
    }
    const ran = targets(modules);
    if (ran.length > 0) {
      process.stdout.write(`\nTargets\n${ran.map((t) => `  ${t}`).join("\n")}\n`);
    }
    if (all.some((r) => r.verification)) {
      process.stdout.write(`${suiteTotals(all)}\n`);
    }
    const reasons = skipReasons(modules);
    if (reasons.length > 0) {
      process.stdout.write(`\nSkipped, and why\n${reasons.map((r) => `  ${r}`).join("\n")}\n`);
    }
    const converged = convergenceLine(modules);
    if (converged) process.stdout.write(`\n${converged}\n`);
    // The plain closing line CI systems read: "tests: N passed, N failed, N skipped".
    const sum = (k: "passed" | "failed" | "skipped") => all.reduce((n, r) => n + r[k], 0);
    process.stdout.write(
      `\ntests: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped\n`,
    );
  }
}
