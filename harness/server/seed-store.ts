/**
 * @module harness/server/seed-store
 * Writes deterministic faker shares straight into a harness's KV store, exactly as the Worker's
 * create path stores them (same key, value and metadata), with a placeholder image in R2 for each
 * share it marks `isR2Stored` (what the create path would have copied). Used by `npm run seed`,
 * `npm run dev -- --seed-shares N` and `POST /__harness/seed`.
 */
import { createShareFactory, MAX_SHARE_AGE_MS } from "../../fixtures/factories/index.js";
import { imageKey } from "../../src/images/store-image.js";
import { SHARE_TTL_SECONDS } from "../../src/shares/schema.js";
import type { Harness } from "../types.js";
import { PLACEHOLDER_CONTENT_TYPE, placeholderPng } from "./placeholder-image.js";

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
  /** Placeholder images written to R2, one per share marked `isR2Stored`. */
  images: number;
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
 * Why `now` cannot anchor a seed at `virtualNow` (its oldest shares would expire within a
 * minute), or undefined when it can. Reads after the option's name: `--now <problem>`.
 */
export function seedAnchorProblem(now: number, virtualNow: number): string | undefined {
  if (now >= oldestSeedAnchor(virtualNow)) return undefined;
  return (
    `${new Date(now).toISOString()} is too early: shares made before it would expire within a minute ` +
    `(the harness clock says ${new Date(virtualNow).toISOString()}). Pick a time within the last day, or leave it out.`
  );
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
 * independent of when the seed ran. A share marked `isR2Stored` gets its image in R2 first (the
 * placeholder for its `generatedUrl`), so a stored share never points at a missing object.
 * @example await seedShares(harness, { count: 1000, seed: 42, now: seedAnchor(harness.clock.now()) })
 */
export async function seedShares(
  store: Pick<Harness, "kv" | "r2">,
  options: SeedSharesOptions,
): Promise<SeedSharesResult> {
  const factory = createShareFactory(options.seed, { now: options.now });
  const shares = factory.shares(options.count);
  let written = 0;
  let images = 0;
  for (let start = 0; start < shares.length; start += BATCH) {
    await Promise.all(
      shares.slice(start, start + BATCH).map(async (share) => {
        if (share.isR2Stored) {
          await store.r2.put(imageKey(share.id), placeholderPng(share.generatedUrl), {
            contentType: PLACEHOLDER_CONTENT_TYPE,
          });
          images++;
        }
        const { key, value, metadata, expiration } = factory.entry(share);
        await store.kv.put(key, value, { metadata, expiration });
      }),
    );
    written = Math.min(start + BATCH, shares.length);
    options.onProgress?.(written, shares.length);
  }
  return {
    written,
    images,
    firstKey: shares[0] && factory.entry(shares[0]).key,
    lastKey: shares.at(-1) && factory.entry(shares.at(-1)!).key,
  };
}
