/**
 * @module scripts/ci/test-kv-storage
 * `npm run test:kv-storage`: the guide's six checks (create, get, list, monitoring, persistence,
 * consistency) against the memory and kv backends. Vitest's config adds the summary table
 * (suite x backend) and `reports/junit.xml`; this script adds `--url` / `--mutant`, prints the
 * wall time and exits with Vitest's code (non-zero on any failure).
 *
 *   npm run test:kv-storage                          # both backends, all six suites
 *   npm run test:kv-storage -- --project kv suites/list.suite.ts -t "newest first"
 *   npm run test:kv-storage -- --url http://127.0.0.1:8787   # or TARGET_URL=...
 */
import { UnknownMutantError } from "../../mutants/index";
import { KvStorageArgsError, parseKvStorageArgs } from "./kv-storage-args";
import { runVitest } from "./run-vitest";

async function main(): Promise<number> {
  let run;
  try {
    run = parseKvStorageArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof KvStorageArgsError || error instanceof UnknownMutantError) {
      console.error(`test:kv-storage: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  const target = run.env.TARGET_URL ?? process.env.TARGET_URL;
  const mutant = run.env.HARNESS_MUTANT ?? process.env.HARNESS_MUTANT;
  console.log(
    `test:kv-storage: ${target ? `target ${target}` : "harness targets"}${mutant ? `, mutant ${mutant}` : ""}`,
  );
  const code = await runVitest({ args: run.args, env: run.env });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `test:kv-storage: ${code === 0 ? "passed" : "FAILED"} in ${seconds}s; JUnit XML in reports/junit.xml`,
  );
  return code;
}

process.exitCode = await main();
