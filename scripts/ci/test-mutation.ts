/**
 * @module scripts/ci/test-mutation
 * `npm run test:mutation`: StrykerJS on `src/` (config in `stryker.config.json`), in incremental
 * mode against the committed `mutants/stryker-incremental.json`. Writes the HTML report to
 * `reports/mutation/index.html` and a text summary (score, every survivor with file:line) to
 * `reports/mutation/summary.txt`, prints the summary and exits with Stryker's code (non-zero below
 * `thresholds.break`). Extra arguments go to `stryker run`.
 *
 *   npm run test:mutation                                  # incremental: only what changed
 *   npm run test:mutation -- --force                       # every mutant again (full run)
 *   npm run test:mutation -- --mutate src/shares/store.ts  # one file
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { MutationTestResult } from "mutation-testing-report-schema";
import config from "../../stryker.config.json" with { type: "json" };
import { mutationSummary } from "./mutation-summary";
import { ROOT } from "./run-vitest";

const STRYKER = path.join(ROOT, "node_modules/@stryker-mutator/core/bin/stryker.js");
const REPORT = path.join(ROOT, "reports/mutation/mutation.json");
const SUMMARY = path.join(ROOT, "reports/mutation/summary.txt");

/**
 * Stryker in its own process group. When it ends (or stops a test runner it judged hung), a runner's
 * workerd can outlive it; the whole group is ended afterwards so no workerd is left behind.
 */
function runStryker(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STRYKER, "run", ...args], {
      cwd: ROOT,
      stdio: "inherit",
      detached: true,
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Nothing of the group is left.
      }
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const code = await runStryker(process.argv.slice(2));
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (!existsSync(REPORT) || statSync(REPORT).mtimeMs < started) {
    console.error(`test:mutation: Stryker wrote no report (exit ${code}); see its output above`);
    return code === 0 ? 1 : code;
  }
  const report = JSON.parse(readFileSync(REPORT, "utf8")) as MutationTestResult;
  const summary = mutationSummary(report, config.thresholds?.break ?? null);
  mkdirSync(path.dirname(SUMMARY), { recursive: true });
  writeFileSync(SUMMARY, summary);
  console.log(`\n${summary}`);
  console.log(
    `test:mutation: ${code === 0 ? "passed" : "FAILED"} in ${minutes} min; ` +
      "reports/mutation/index.html, reports/mutation/summary.txt",
  );
  return code;
}

process.exitCode = await main();
