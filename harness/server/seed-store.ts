/**
 * @module harness/server/seed-store
 * Writes deterministic faker shares straight into a harness's KV store, exactly as the Worker's
 * create path stores them (same key, value and metadata). Used by `npm run seed` and
 * `npm run dev -- --seed-shares N`.
 */
import { createShareFactory, MAX_SHARE_AGE_MS } from "../../fixtures/factories/index";
import { SHARE_TTL_SECONDS } from "../../src/shares/schema";
import type { HarnessKv } from "../types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** KV refuses expirations less than 60 s ahead; leave another minute for the seed itself. */
const EXPIRY_MARGIN_MS = 120_000;

export interface SeedSharesOptions {
  count: number;
  /** Faker seed: with the same `now`, the same seed gives the same keys, values and metadata. */
  seed: number;
  /** Shares are created in the 29 days before this (ms since epoch); see `seedAnchor`. */
  now: number;
  /** Called after each batch with how many shares are written so far. */
  onProgress?: (written: number, total: number) => void;
}

export interface SeedSharesResult {
  written: number;
  firstKey: string | undefined;
  lastKey: string | undefined;
}

/** Puts in flight at once: enough to hide the RPC round trip, small enough for 2 cores. */
const BATCH = 32;

/** The oldest `now` whose shares all still live at `virtualNow` (the oldest expires a day after it). */
export function oldestSeedAnchor(virtualNow: number): number {
  return virtualNow + EXPIRY_MARGIN_MS - (SHARE_TTL_SECONDS * 1000 - MAX_SHARE_AGE_MS);
}

/**
 * The default `now` for seeding: the start of the virtual clock's UTC day, so a seed gives the
 * same shares all day (and on every machine) while none of them has expired.
 * @example seedAnchor(Date.parse("2026-11-25T20:00:00Z")) // Date.parse("2026-11-25T00:00:00Z")
 */
export function seedAnchor(virtualNow: number): number {
  return Math.max(Math.floor(virtualNow / DAY_MS) * DAY_MS, oldestSeedAnchor(virtualNow));
}

/**
 * Seed `count` shares. Each expires SHARE_TTL_SECONDS after its own `timestamp` (what the
 * Worker's `expirationTtl` gives a share created at that moment), which keeps the stored bytes
 * independent of when the seed ran.
 * @example await seedShares(harness.kv, { count: 1000, seed: 42, now: seedAnchor(harness.clock.now()) })
 */
export async function seedShares(
  kv: HarnessKv,
  options: SeedSharesOptions,
): Promise<SeedSharesResult> {
  const factory = createShareFactory(options.seed, { now: options.now });
  const entries = factory.shares(options.count).map((share) => factory.entry(share));
  let written = 0;
  for (let start = 0; start < entries.length; start += BATCH) {
    await Promise.all(
      entries
        .slice(start, start + BATCH)
        .map(({ key, value, metadata, expiration }) =>
          kv.put(key, value, { metadata, expiration }),
        ),
    );
    written = Math.min(start + BATCH, entries.length);
    options.onProgress?.(written, entries.length);
  }
  return { written, firstKey: entries[0]?.key, lastKey: entries.at(-1)?.key };
}
