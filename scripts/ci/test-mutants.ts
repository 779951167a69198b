/**
 * @module scripts/ci/test-mutants
 * `npm run test:mutants`: runs the suites against every mutant in `mutants/catalog.ts` (only the
 * backends and suites that can notice it, to stay quick), prints mutant -> killed by which
 * suite(s), and exits non-zero if any mutant survives or does not even build.
 *
 *   npm run test:mutants                        # every mutant
 *   npm run test:mutants -- ttl-in-milliseconds # some
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { verifySourcePatches } from "../../harness/node/source-patches.js";
import { getMutant, mutants, type Mutant } from "../../mutants/index.js";
import { onlyBackends, SUITES_PROJECT } from "./kv-storage-args.js";
import { judgeMutant, type MutantVerdict, type VitestJsonReport } from "./mutant-report.js";
import { ROOT, runVitest } from "./run-vitest.js";

async function runMutant(mutant: Mutant, dir: string): Promise<MutantVerdict> {
  const report = path.join(dir, `${mutant.name}.json`);
  await runVitest({
    args: [
      "--project",
      SUITES_PROJECT,
      ...mutant.targets.suites.map((s) => `suites/${s}.suite.ts`),
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    env: {
      HARNESS_MUTANT: mutant.name,
      SUITE_BACKENDS: onlyBackends(mutant.targets.backends),
      TARGET_URL: undefined,
    },
    quiet: true,
  });
  try {
    return judgeMutant(JSON.parse(readFileSync(report, "utf8")) as VitestJsonReport);
  } catch {
    return { killedBy: [], failedTests: 0, broken: "no Vitest report was written" };
  }
}

async function main(): Promise<number> {
  const chosen = process.argv.length > 2 ? process.argv.slice(2).map(getMutant) : [...mutants];
  // A patch that no longer matches must fail here, loudly, not as a "killed" mutant.
  for (const mutant of chosen) verifySourcePatches(ROOT, mutant.patches);
  const dir = mkdtempSync(path.join(tmpdir(), "kv-mutants-"));
  const rows: string[][] = [];
  let failures = 0;
  const started = performance.now();
  try {
    for (const mutant of chosen) {
      const t0 = performance.now();
      const verdict = await runMutant(mutant, dir);
      const seconds = `${((performance.now() - t0) / 1000).toFixed(1)}s`;
      const status = verdict.broken
        ? "BROKEN"
        : verdict.killedBy.length > 0
          ? "killed"
          : "SURVIVED";
      if (status !== "killed") failures++;
      rows.push([
        mutant.name,
        status,
        verdict.broken ?? (verdict.killedBy.join(", ") || "-"),
        String(verdict.failedTests),
        seconds,
      ]);
      console.log(`${mutant.name}: ${status} ${verdict.killedBy.join(", ")}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nMutants\n${table(["mutant", "result", "killed by", "failed tests", "time"], rows)}`,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\nmutants: ${rows.length - failures} killed, ${failures} survived or broken, in ${seconds}s`,
  );
  return failures === 0 ? 0 : 1;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

process.exitCode = await main();
