/**
 * @module harness/cli/seed
 * `npm run seed -- --count 1000 --seed 42 [--persist-to dir] [--clear] [--now date]`: deterministic faker
 * shares written into the persisted KV store, with a progress bar on a terminal.
 */
import { resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Harness } from "../types";
import { CliError, EXIT_FAILURE, HelpShown } from "./cli-error";
import { parseSeedArgs, type SeedCliOptions } from "./seed-options";

/** Below this a bar would flash by; a final line says enough. */
const BAR_MIN_COUNT = 200;

async function seed(options: SeedCliOptions): Promise<void> {
  const store = resolve(options.persistTo);
  // Loaded after the flags are checked, so a typo fails fast without loading Miniflare.
  const { createHarness } = await import("../index");
  const harness = await createHarness({ backend: "kv", persistTo: options.persistTo });
  try {
    await seedInto(harness, options, store);
  } finally {
    await harness.dispose();
  }
}

async function seedInto(harness: Harness, options: SeedCliOptions, store: string): Promise<void> {
  const { oldestSeedAnchor, seedAnchor, seedShares } = await import("../server/seed-store");
  const virtualNow = harness.clock.now();
  const now = options.now ?? seedAnchor(virtualNow);
  if (now < oldestSeedAnchor(virtualNow)) {
    throw new CliError(
      "usage",
      `--now ${new Date(now).toISOString()} is too early: shares made before it would expire within a minute ` +
        `(the harness clock says ${new Date(virtualNow).toISOString()}). Pick a time within the last day, or leave --now out.`,
    );
  }
  if (options.clear) {
    await harness.kv.clear();
    console.log(`Cleared the store in ${store}.`);
  }
  const bar =
    process.stdout.isTTY && options.count >= BAR_MIN_COUNT
      ? new SingleBar({ format: "Seeding [{bar}] {value}/{total} shares", hideCursor: true })
      : undefined;
  bar?.start(options.count, 0);
  const started = performance.now();
  const result = await seedShares(harness.kv, {
    count: options.count,
    seed: options.seed,
    now,
    onProgress: (written) => bar?.update(written),
  }).finally(() => bar?.stop());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Seeded ${result.written} shares (seed ${options.seed}, --now ${new Date(now).toISOString()}) ` +
      `into ${store} in ${seconds} s: ${result.firstKey} .. ${result.lastKey}`,
  );
}

Promise.resolve()
  .then(() => seed(parseSeedArgs(process.argv.slice(2))))
  .catch((err: unknown) => {
    if (err instanceof HelpShown) process.exit(0);
    if (err instanceof CliError) {
      console.error(`npm run seed: ${err.message}`);
      process.exit(err.exitCode);
    }
    console.error(`npm run seed: failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(EXIT_FAILURE);
  });
