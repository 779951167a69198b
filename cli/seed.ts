/**
 * @module cli/seed
 * `npm run seed -- --count 1000 --seed 42 [--persist-to dir] [--clear] [--now date]`: deterministic faker
 * shares (and placeholder images for those marked stored) written into the persisted store, with a
 * progress bar on a terminal. When a running `npm run dev` holds the store, the seed goes through
 * its control API (`POST /__harness/seed`) instead of opening the store a second time.
 */
import { resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Harness } from "../harness/types.js";
import { CliError, EXIT_FAILURE } from "./cli-error.js";
import { parseSeedArgs, type SeedCliOptions } from "./seed-options.js";
import {
  claimStore,
  describeOwner,
  StoreBusyError,
  storeOwner,
  type StoreOwner,
} from "./store-owner.js";
import { scopeThisCommand } from "../lib/run-scope.js";

/** Below this a bar would flash by; a final line says enough. */
const BAR_MIN_COUNT = 200;

interface SeedSummary {
  written: number;
  images: number;
  firstKey?: string | undefined;
  lastKey?: string | undefined;
}

function report(result: SeedSummary, options: SeedCliOptions, now: number, where: string): void {
  console.log(
    `Seeded ${result.written} shares and ${result.images} placeholder images ` +
      `(seed ${options.seed}, --now ${new Date(now).toISOString()}) into ${where}: ` +
      `${result.firstKey} .. ${result.lastKey}`,
  );
}

function busy(owner: StoreOwner, store: string): CliError {
  const waiting =
    owner.command === "dev"
      ? "It has not started listening yet: wait until it prints its URLs"
      : "Wait for it to finish";
  return new CliError(
    "STORE_IN_USE",
    `${describeOwner(owner)} is using ${store}. ${waiting}, or pass --persist-to <another dir>.`,
  );
}

async function seedThroughDevServer(owner: StoreOwner, options: SeedCliOptions, store: string) {
  if (owner.command !== "dev" || !owner.url) throw busy(owner, store);
  console.log(`${describeOwner(owner)} is serving ${store}: seeding through its control API.`);
  const res = await fetch(`${owner.url}/__harness/seed`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      count: options.count,
      seed: options.seed,
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.clear ? { clear: true } : {}),
    }),
  }).catch((err: Error) => {
    throw new CliError(
      "HARNESS_FAILED",
      `${describeOwner(owner)} holds ${store} but does not answer (${err.message}). ` +
        `Stop it (Ctrl-C in its terminal), then run the seed again.`,
    );
  });
  const body = (await res.json().catch(() => ({}))) as SeedSummary & {
    now: number;
    error?: { message: string };
  };
  if (!res.ok) {
    throw new CliError(
      res.status < 500 ? "USAGE" : "HARNESS_FAILED",
      `the dev server refused the seed (${res.status}): ${body.error?.message ?? "no reason given"}`,
    );
  }
  report(body, options, body.now, `${store} through ${owner.url}`);
}

async function seedStandalone(options: SeedCliOptions, store: string): Promise<void> {
  let claim;
  try {
    claim = claimStore(store, "seed");
  } catch (err) {
    if (err instanceof StoreBusyError) throw busy(err.owner, store);
    throw err;
  }
  try {
    // Loaded after the flags are checked, so a typo fails fast without loading Miniflare.
    const { createShareHarness } = await import("../harness/share/index.js");
    const harness = await createShareHarness({ backend: "kv", persistTo: options.persistTo });
    try {
      await seedInto(harness, options, store);
    } finally {
      await harness.dispose();
    }
  } finally {
    claim.release();
  }
}

async function seedInto(harness: Harness, options: SeedCliOptions, store: string): Promise<void> {
  const { seedAnchor, seedAnchorProblem, seedShares } =
    await import("../fixtures/seed/seed-store.js");
  const virtualNow = harness.clock.now();
  const now = options.now ?? seedAnchor(virtualNow);
  const problem = seedAnchorProblem(now, virtualNow);
  if (problem) throw new CliError("USAGE", `--now ${problem}`);
  if (options.clear) {
    const { clearShares } = await import("../harness/server/store-loads.js");
    await clearShares(harness);
    console.log(`Cleared the store in ${store} (KV and the shares' images).`);
  }
  const bar =
    process.stdout.isTTY && options.count >= BAR_MIN_COUNT
      ? new SingleBar({ format: "Seeding [{bar}] {value}/{total} shares", hideCursor: true })
      : undefined;
  bar?.start(options.count, 0);
  const started = performance.now();
  const result = await seedShares(harness, {
    count: options.count,
    seed: options.seed,
    now,
    onProgress: (written) => bar?.update(written),
  }).finally(() => bar?.stop());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  report(result, options, now, `${store} in ${seconds} s`);
}

async function seed(options: SeedCliOptions): Promise<void> {
  scopeThisCommand();
  const store = resolve(options.persistTo);
  const owner = storeOwner(store);
  if (owner) await seedThroughDevServer(owner, options, store);
  else await seedStandalone(options, store);
}

Promise.resolve()
  .then(() => {
    const options = parseSeedArgs(process.argv.slice(2));
    if (!options) process.exit(0); // --help: commander printed it
    return seed(options);
  })
  .catch((err: unknown) => {
    if (err instanceof CliError) {
      console.error(`npm run seed: ${err.message}`);
      process.exit(err.exitCode);
    }
    console.error(`npm run seed: failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(EXIT_FAILURE);
  });
