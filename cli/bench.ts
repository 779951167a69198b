/**
 * @module cli/bench
 * `npm run bench [-- --quick] [--with-suites] [--only growth,boot,...]`: runs the sections, writes
 * reports/bench.json and reports/bench.md, prints a summary. Exits non-zero only when a section
 * fails to run, never because a target was missed.
 */
import { BenchContext } from "../bench/context.js";
import { BenchError } from "../bench/errors.js";
import type { Comparison } from "../bench/measure.js";
import { parseBenchArgs, type Section } from "../bench/options.js";
import { machineInfo, summaryLines, writeReport, type BenchReport } from "../bench/report.js";
import { boot } from "../bench/sections/boot.js";
import { growth } from "../bench/sections/growth.js";
import { kvOps } from "../bench/sections/kv-ops.js";
import { requests } from "../bench/sections/requests.js";
import { servers } from "../bench/sections/servers.js";
import { suites } from "../bench/sections/suites.js";
import { scopeThisCommand } from "../lib/run-scope.js";

type Runner = (ctx: BenchContext) => Promise<Comparison[]>;

/** Run order: growth builds the 10k store that boot and memory reuse. memory+load share servers. */
const RUNNERS: [Section[], Runner][] = [
  [["growth"], growth],
  [["boot"], boot],
  [["requests"], requests],
  [["kv"], kvOps],
  [["memory", "load"], servers],
  [["suites"], suites],
];

async function main(): Promise<number> {
  scopeThisCommand();
  const argv = process.argv.slice(2);
  const options = parseBenchArgs(argv);
  if (!options) return 0; // --help: commander printed it
  const started = Date.now();
  const ctx = new BenchContext(options, (line) => console.log(`  ${line}`));
  const report: BenchReport = {
    command: ["npm run bench", ...(argv.length ? ["--", ...argv] : [])].join(" "),
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    machine: machineInfo(),
    comparisons: [],
    skipped: [],
  };
  let failed = false;
  try {
    for (const [sections, run] of RUNNERS) {
      if (!sections.some((s) => options.sections.includes(s))) continue;
      const t0 = performance.now();
      console.log(`${sections.join("+")}...`);
      try {
        report.comparisons.push(...(await run(ctx)));
      } catch (e) {
        const reason = e instanceof BenchError && e.code === "SUITES_MISSING" ? "" : "failed: ";
        if (reason) failed = true;
        report.skipped.push({
          section: sections.join("+"),
          reason: `${reason}${(e as Error).message}`,
        });
        console.error(`  ${sections.join("+")} ${reason}${(e as Error).message}`);
      }
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    report.durationMs = Date.now() - started;
    const files = writeReport(report, options.outDir);
    console.log("");
    for (const line of summaryLines(report)) console.log(line);
    console.log(
      `Wrote ${files.json} and ${files.md} in ${Math.round(report.durationMs / 1000)} s.`,
    );
  } finally {
    // Seeded stores are thousands of blob files: removing them can take a while on a busy disk.
    ctx.cleanup();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof BenchError ? e.message : (e as Error).stack);
    process.exit(1);
  },
);
