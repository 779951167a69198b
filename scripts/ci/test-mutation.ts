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
 *   npm run test:mutation -- --changed   # only the src lines changed since the baseline (CI)
 *   npm run test:mutation -- --changed --max-minutes 45   # and fail, saying why, past 45 minutes
 *
 * With `--changed` and no line of `src/` changed, Stryker is not started: the committed baseline
 * is the result, summarised and checked against the break threshold the same way.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { MutationTestResult } from "mutation-testing-report-schema";
import config from "../../stryker.config.json" with { type: "json" };
import { mutantCensus } from "./mutation-census.js";
import { changedSinceBaseline } from "./mutation-scope.js";
import { mutationSummary } from "./mutation-summary.js";
import { ROOT } from "./run-vitest.js";
import { scopeThisCommand } from "../../lib/run-scope.js";

const BASELINE = config.incrementalFile;
const STRYKER = path.join(ROOT, "node_modules/@stryker-mutator/core/bin/stryker.js");
const REPORT = path.join(ROOT, "reports/mutation/mutation.json");
const SUMMARY = path.join(ROOT, "reports/mutation/summary.txt");
/** Stryker's sandboxes (`tempDirName`); it leaves them behind when a run is interrupted. */
const SANDBOXES = path.join(ROOT, ".stryker-tmp");

/**
 * Stryker in its own process group. When it ends (or stops a test runner it judged hung), a runner's
 * workerd can outlive it; the whole group is ended afterwards so no workerd is left behind, and
 * the sandbox folder is removed.
 */
function runStryker(args: string[], maxMinutes: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STRYKER, "run", ...args], {
      cwd: ROOT,
      stdio: "inherit",
      detached: true,
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
    });
    // Once: a second SIGINT makes Stryker exit at once, cutting off the incremental file it is
    // writing. A Ctrl-C reaches this process twice (from the terminal and from tsx's relay).
    let forwarded = false;
    const forward = (signal: NodeJS.Signals) => () => {
      if (forwarded) return;
      forwarded = true;
      child.kill(signal);
    };
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    // At the cap Stryker is interrupted: it saves what it tested to the incremental file.
    const cap =
      maxMinutes === undefined
        ? undefined
        : setTimeout(() => {
            capped = true;
            forward("SIGINT")();
          }, maxMinutes * 60_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(cap);
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

let capped = false;

/** Mutants of `report` inside the `--mutate` ranges (`file:start-end`): what a --changed run judged. */
function inRanges(report: MutationTestResult, ranges: string[]): number {
  return ranges.reduce((sum, range) => {
    const [, file, start, end] = /^(.*):(\d+)-(\d+)$/.exec(range) ?? [];
    const mutants = report.files[file ?? ""]?.mutants ?? [];
    const inside = mutants.filter(
      (m) => m.location.start.line >= Number(start) && m.location.start.line <= Number(end),
    );
    return sum + inside.length;
  }, 0);
}

async function summarise(reportFile: string, changed?: string[]): Promise<boolean> {
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as MutationTestResult;
  const breakAt = config.thresholds?.break ?? null;
  const summary = mutationSummary(report, breakAt, await mutantCensus(ROOT));
  mkdirSync(path.dirname(SUMMARY), { recursive: true });
  writeFileSync(SUMMARY, summary);
  console.log(`\n${summary}`);
  if (changed) {
    console.log(
      `test:mutation: ${inRanges(report, changed)} mutants on the ${changed.length} changed ` +
        "range(s) were judged by this run (tested, or reused where neither their code nor their " +
        `tests changed); every other result is the baseline's (${BASELINE}), not rerun`,
    );
  }
  return !summary.includes(": FAIL)");
}

async function main(): Promise<number> {
  // Stryker ends test runners without their harnesses' dispose: their temp stores and
  // Miniflare folders go with this command's own temp folder.
  scopeThisCommand();
  const started = Date.now();
  let args = process.argv.slice(2);
  let maxMinutes: number | undefined;
  const capAt = args.indexOf("--max-minutes");
  if (capAt >= 0) {
    maxMinutes = Number(args[capAt + 1]);
    if (!(maxMinutes > 0)) {
      console.error(
        "test:mutation: --max-minutes needs a number of minutes, e.g. --max-minutes 45",
      );
      return 2;
    }
    args.splice(capAt, 2);
  }
  let changed: string[] | undefined;
  if (args.includes("--changed")) {
    args = args.filter((a) => a !== "--changed");
    const baselineFile = path.join(ROOT, BASELINE);
    if (!existsSync(baselineFile)) {
      console.error(
        `test:mutation: --changed needs the baseline ${BASELINE}; run \`npm run test:mutation\` and commit it`,
      );
      return 1;
    }
    const baseline = JSON.parse(readFileSync(baselineFile, "utf8")) as MutationTestResult;
    const { mutate, untested } = changedSinceBaseline(ROOT, baseline);
    // A file of types only has no mutants, so no results either: only name files that have some.
    const census = untested.length > 0 ? await mutantCensus(ROOT, untested) : new Map();
    const unjudged = untested.filter((file) => (census.get(file) ?? 0) > 0);
    if (unjudged.length > 0) {
      console.log(
        `test:mutation: the baseline holds no results for ${unjudged.join(", ")}; a full run adds them`,
      );
    }
    if (mutate.length === 0) {
      console.log("test:mutation: no line of src/ changed since the baseline; its result:");
      return (await summarise(baselineFile)) ? 0 : 1;
    }
    console.log(
      `test:mutation: mutating the lines changed since the baseline: ${mutate.join(", ")}`,
    );
    args.push("--mutate", mutate.join(","));
    changed = mutate;
  }
  const sandboxes = () => (existsSync(SANDBOXES) ? readdirSync(SANDBOXES) : []);
  const before = new Set(sandboxes());
  const code = await runStryker(args, maxMinutes);
  // Only this run's sandbox: another run in this clone may be using its own.
  for (const dir of sandboxes().filter((d) => !before.has(d))) {
    rmSync(path.join(SANDBOXES, dir), { recursive: true, force: true });
  }
  if (capped) {
    console.error(
      `test:mutation: stopped at the ${maxMinutes}-minute cap with mutants still untested (what was ` +
        `tested is saved in ${BASELINE}). The baseline is too far behind src/: run ` +
        "`npm run test:mutation` without a cap and commit the baseline.",
    );
    return 1;
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (!existsSync(REPORT) || statSync(REPORT).mtimeMs < started) {
    console.error(`test:mutation: Stryker wrote no report (exit ${code}); see its output above`);
    return code === 0 ? 1 : code;
  }
  await summarise(REPORT, changed);
  console.log(
    `test:mutation: ${code === 0 ? "passed" : "FAILED"} in ${minutes} min; ` +
      "reports/mutation/index.html, reports/mutation/summary.txt",
  );
  return code;
}

process.exitCode = await main();
