/**
 * @module scripts/ci/test-flake
 * `npm run test:flake -- --runs N [--all] [--seed S]`: runs the six suites on both backends (or,
 * with `--all`, everything `npm test` runs, typecheck first) N times in a row, each run with its
 * own seed: Vitest shuffles files and tests by it and the seeded fuzzers take it (FUZZ_SEED).
 * Nothing is retried. Prints one line per run, then every failure with its run, seed, project,
 * test name and error, and how to run it again; exits non-zero if any run failed. Each run's full
 * output and failures are kept in `reports/flake/`.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { SUITES_PROJECT } from "./kv-storage-args.js";
import type { FlakeRunReport } from "./flake-reporter.js";
import { rerunCommand } from "./flake-rerun.js";
import { FlakeOptionsError, parseFlakeOptions, type FlakeOptions } from "./flake-options.js";
import { ROOT, runCommand, runVitest } from "./run-vitest.js";
import { scopeThisCommand } from "../../lib/run-scope.js";

const SUITES = ["--project", SUITES_PROJECT];

interface RunResult {
  run: number;
  seed: number;
  code: number;
  seconds: number;
  report: FlakeRunReport;
}

/** The last lines of a run's log, for a run that failed without a failed test (exit code only). */
function tail(file: string, lines = 6): string {
  try {
    const text = stripVTControlCharacters(readFileSync(file, "utf8"));
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(-lines)
      .join("\n");
  } catch {
    return "(no output)";
  }
}

async function oneRun(options: FlakeOptions, run: number): Promise<RunResult> {
  const seed = options.seed + run - 1;
  const out = path.resolve(ROOT, options.out);
  const log = path.join(out, `run-${run}.log`);
  const reportFile = path.join(out, `run-${run}.json`);
  const started = performance.now();
  const empty: FlakeRunReport = { passed: 0, failed: 0, skipped: 0, failures: [] };
  if (options.all) {
    const typecheck = await runCommand("npm", ["run", "typecheck"], { logFile: log });
    if (typecheck !== 0) {
      const failure = { project: "-", file: "-", test: "npm run typecheck", error: tail(log) };
      return {
        run,
        seed,
        code: typecheck,
        seconds: 0,
        report: { ...empty, failed: 1, failures: [failure] },
      };
    }
  }
  const code = await runVitest({
    args: [
      // The suites unless every project (--all) or chosen ones (`-- --project x`) are asked for.
      ...(options.all || options.vitestArgs.includes("--project") ? [] : SUITES),
      ...(options.shuffle ? ["--sequence.shuffle", `--sequence.seed=${seed}`] : []),
      "--reporter=default",
      "--reporter=./scripts/ci/flake-reporter.ts",
      ...options.vitestArgs,
    ],
    env: { FUZZ_SEED: String(seed), FLAKE_REPORT: reportFile },
    logFile: log,
  });
  const seconds = (performance.now() - started) / 1000;
  let report: FlakeRunReport;
  try {
    report = JSON.parse(readFileSync(reportFile, "utf8")) as FlakeRunReport;
  } catch {
    report = { ...empty };
  }
  if (code !== 0 && report.failures.length === 0) {
    // A non-zero exit with every test passed: a leak the run scope cleaned, a crash, a config error.
    report.failed++;
    report.failures.push({
      project: "-",
      file: "-",
      test: `(run exited with ${code})`,
      error: tail(log),
    });
  }
  return { run, seed, code, seconds, report };
}

async function main(): Promise<number> {
  scopeThisCommand();
  let options: FlakeOptions | undefined;
  try {
    options = parseFlakeOptions(process.argv.slice(2), Date.now() % 1_000_000);
    if (!options) return 0; // --help: commander printed it
  } catch (error) {
    if (error instanceof FlakeOptionsError) {
      console.error(`test:flake: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const out = path.resolve(ROOT, options.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const what = options.all
    ? "npm test (typecheck + every project)"
    : "the six suites x both backends";
  const last = options.seed + options.runs - 1;
  console.log(
    `test:flake: ${options.runs} runs of ${what}, seeds ${options.seed}..${last}` +
      `${options.shuffle ? ", files and tests shuffled by seed" : ""}; no retries`,
  );
  const results: RunResult[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const r = await oneRun(options, run);
    results.push(r);
    const { passed, failed, skipped } = r.report;
    console.log(
      `run ${run}/${options.runs} seed ${r.seed}: ${failed === 0 ? "passed" : "FAILED"}: ` +
        `${passed} passed, ${failed} failed, ${skipped} skipped in ${r.seconds.toFixed(1)} s`,
    );
  }
  const failures = results.flatMap((r) =>
    r.report.failures.map((f) => ({ ...f, run: r.run, seed: r.seed })),
  );
  const failedRuns = results.filter((r) => r.report.failed > 0).length;
  const seconds = results.map((r) => r.seconds).filter((s) => s > 0);
  if (failures.length > 0) {
    console.log("\nFailures");
    for (const f of failures) {
      console.log(
        `- run ${f.run}, seed ${f.seed}, ${f.backend ?? f.project}: ${f.file} > ${f.test}`,
      );
      console.log(`  ${f.error.split("\n").join("\n  ")}`);
      console.log(`  again: ${rerunCommand(f, f.seed, options.shuffle)}`);
    }
  }
  const timing =
    seconds.length > 0
      ? `; run time min ${Math.min(...seconds).toFixed(1)} s, max ${Math.max(...seconds).toFixed(1)} s`
      : "";
  console.log(
    `\nflake: ${options.runs} runs, ${options.runs - failedRuns} passed, ${failedRuns} failed; ` +
      `${failures.length} failure(s)${timing}. Logs in ${path.relative(ROOT, out) || "."}/.`,
  );
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
