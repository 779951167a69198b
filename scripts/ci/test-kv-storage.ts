/**
 * @module scripts/ci/test-kv-storage
 * `npm run test:kv-storage`: the guide's six checks (create, get, list, monitoring, persistence,
 * consistency) against the memory and kv backends. Vitest's config adds the summary table
 * (suite x backend, the target, ran/skipped/failed) and `reports/junit.xml`; this script adds
 * `--url` / `--wrangler-dev` / `--mutant`, prints the wall time and exits with Vitest's code.
 *
 *   npm run test:kv-storage                          # both backends, all six suites
 *   npm run test:kv-storage -- --backend kv suites/list.suite.ts -t "newest first"
 *   npm run test:kv-storage -- --url http://127.0.0.1:8787   # or TARGET_URL=...
 *   npm run test:kv-storage -- --wrangler-dev        # real wrangler dev, local persistence
 */
import { offersSessions, targetBackend } from "../../suites/support/probe-target.js";
import { KvStorageArgsError, onlyBackends, parseKvStorageArgs } from "./kv-storage-args.js";
import { runVitest } from "./run-vitest.js";
import { startWranglerDev, WranglerDevError, type WranglerDev } from "./wrangler-dev.js";
import { scopeThisCommand } from "../../lib/run-scope.js";

async function main(): Promise<number> {
  scopeThisCommand();
  let run;
  try {
    run = await parseKvStorageArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof KvStorageArgsError) {
      console.error(`test:kv-storage: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  let dev: WranglerDev | undefined;
  const stopDev = async (signal: NodeJS.Signals) => {
    await dev?.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stopDev);
  process.once("SIGTERM", stopDev);
  try {
    const env = { ...run.env };
    if (run.wranglerDev) {
      console.log(
        "test:kv-storage: starting wrangler dev (local persistence in a temporary folder)",
      );
      dev = await startWranglerDev(run.wranglerDev);
      env.TARGET_URL = dev.url;
      env.TARGET_ADMIN_TOKEN = dev.adminToken;
    }
    const target = env.TARGET_URL ?? process.env.TARGET_URL;
    let args = run.args;
    if (target && (await offersSessions(target))) {
      // Every block gets its own session: files need not take turns.
      args = args.filter((a) => a !== "--no-file-parallelism");
    } else if (target && !run.backendsGiven) {
      // A plain URL serves one backend: the other's checks would only skip.
      const served = await targetBackend(target);
      env.SUITE_BACKENDS = onlyBackends([served]);
      console.log(`test:kv-storage: ${target} serves the ${served} backend; only it is checked`);
    }
    const mutant = env.HARNESS_MUTANT ?? process.env.HARNESS_MUTANT;
    console.log(
      `test:kv-storage: ${target ? `target ${target}${run.wranglerDev ? " (wrangler dev)" : ""}` : "harness targets"}${mutant ? `, mutant ${mutant}` : ""}`,
    );
    const code = await runVitest({ args, env });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `test:kv-storage: ${code === 0 ? "passed" : "FAILED"} in ${seconds}s; JUnit XML in reports/junit.xml`,
    );
    return code;
  } catch (error) {
    if (error instanceof WranglerDevError) {
      console.error(`test:kv-storage: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await dev?.stop();
  }
}

process.exitCode = await main();
