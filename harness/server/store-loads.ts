/**
 * @module harness/server/store-loads
 * Whole-store changes made from outside the Worker while it runs: a snapshot or fixture loaded,
 * the store wiped, shares seeded. Each one ends with fresh isolates (`harness.restart()`), because
 * everything the running Worker remembers (its read cache, list and monitoring totals, shares
 * waiting for KV, the production profile's edge caches) describes the store as it was: without
 * the restart a deleted share still answers 200 and monitoring keeps the old totals. Single-key
 * writes (`PUT`/`DELETE /__harness/kv/:key`) stay direct store access that bypasses those caches,
 * as a `wrangler kv key put` does in production.
 */
import { readShareRecord } from "../../src/shares/parse.js";
import { imageKey } from "../../src/images/store-image.js";
import type { Harness, KvSnapshot, KvSnapshotEntry } from "../types.js";
import { ControlError } from "./control-error.js";
import { PLACEHOLDER_CONTENT_TYPE, placeholderPng } from "./placeholder-image.js";
import { seedAnchor, seedAnchorProblem, seedShares, type SeedSharesResult } from "./seed-store.js";

/** How the Worker was refreshed after a load: its isolates restarted, in this many ms. */
export interface Refreshed {
  restartedMs: number;
}

/** Restart the Worker's isolates so the next request sees exactly the store as it is now. */
export async function refreshWorker(harness: Harness): Promise<Refreshed> {
  const { ms } = await harness.restart();
  return { restartedMs: Math.round(ms) };
}

/** The memory backend never reads KV, so loading or seeding KV would change nothing it serves. */
export function assertReadsKv(harness: Harness, what: string): void {
  if (harness.options.backend === "memory") {
    throw new ControlError(
      "memory_backend",
      `${what} writes to KV, which the memory backend does not read. Restart the dev server with the kv backend (npm run dev, without --backend memory).`,
      409,
    );
  }
}

/**
 * A placeholder image for each share in `entries` marked `isR2Stored` whose object is missing,
 * so a loaded share never points at nothing. Returns how many were written.
 */
export async function fillMissingImages(
  harness: Pick<Harness, "r2">,
  entries: readonly KvSnapshotEntry[],
): Promise<number> {
  const present = new Set(await harness.r2.list("images/"));
  let written = 0;
  for (const entry of entries) {
    if (!entry.key.startsWith("share:") || entry.encoding === "base64") continue;
    const read = readShareRecord(entry.key, entry.value);
    const share = read.ok ? read.share : undefined;
    if (!share?.isR2Stored || present.has(imageKey(share.id))) continue;
    await harness.r2.put(imageKey(share.id), placeholderPng(share.generatedUrl), {
      contentType: PLACEHOLDER_CONTENT_TYPE,
    });
    written++;
  }
  return written;
}

/** Load a snapshot (merged, or replacing the store), then refresh the Worker. */
export async function loadSnapshot(
  harness: Harness,
  snapshot: KvSnapshot,
  replace: boolean,
): Promise<{ loaded: number; replaced: boolean; images: number } & Refreshed> {
  if (replace) await clearShares(harness);
  await harness.kv.load(snapshot);
  const images = await fillMissingImages(harness, snapshot.entries);
  return {
    loaded: snapshot.entries.length,
    replaced: replace,
    images,
    ...(await refreshWorker(harness)),
  };
}

/** Every KV entry and every share's image in R2: what a replaced or wiped store leaves no trace of. */
export async function clearShares(harness: Harness): Promise<void> {
  await harness.kv.clear();
  await harness.r2.clear(imageKey(""));
}

/** Delete every KV entry and the shares' images, then refresh the Worker. */
export async function clearStore(harness: Harness): Promise<{ cleared: true } & Refreshed> {
  await clearShares(harness);
  return { cleared: true, ...(await refreshWorker(harness)) };
}

export interface SeedRequest {
  count: number;
  seed: number;
  /** Shares are made in the 29 days before this (ms); default the start of the virtual day. */
  now?: number | undefined;
  clear?: boolean | undefined;
}

/** `npm run seed` into a running server: the same shares and images, then a refresh. */
export async function seedRunning(
  harness: Harness,
  request: SeedRequest,
): Promise<SeedSharesResult & { seed: number; now: number; cleared: boolean } & Refreshed> {
  assertReadsKv(harness, "Seeding");
  const virtualNow = harness.clock.now();
  const now = request.now ?? seedAnchor(virtualNow);
  const problem = seedAnchorProblem(now, virtualNow);
  if (problem) throw new ControlError("invalid_input", `Invalid body: now: ${problem}`);
  if (request.clear) await clearShares(harness);
  const result = await seedShares(harness, { count: request.count, seed: request.seed, now });
  return {
    ...result,
    seed: request.seed,
    now,
    cleared: request.clear === true,
    ...(await refreshWorker(harness)),
  };
}
