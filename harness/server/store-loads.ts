/**
 * @module harness/server/store-loads
 * Whole-store changes made from outside the Worker while it runs: a snapshot or fixture loaded,
 * the store wiped, records seeded (`fixtures/seed/`). Each one ends with fresh isolates (`harness.restart()`), because
 * everything the running Worker remembers (its read cache, list and monitoring totals, shares
 * waiting for KV, the production profile's edge caches) describes the store as it was: without
 * the restart a deleted share still answers 200 and monitoring keeps the old totals. Single-key
 * writes (`PUT`/`DELETE /__harness/kv/:key`) stay direct store access that bypasses those caches,
 * as a `wrangler kv key put` does in production. What a Worker's store holds besides KV (the
 * share Worker's images in R2) comes in through its plugin's `storeSteps`.
 */
import type { Harness, KvSnapshot, KvSnapshotEntry } from "../types.js";

/** How the Worker was refreshed after a load: its isolates restarted, in this many ms. */
export interface Refreshed {
  restartedMs: number;
}

/** Restart the Worker's isolates so the next request sees exactly the store as it is now. */
export async function refreshWorker(harness: Harness): Promise<Refreshed> {
  const { ms } = await harness.restart();
  return { restartedMs: Math.round(ms) };
}

/** Refuse a load the Worker would not see (the plugin says when: the share Worker's memory backend). */
export function assertReadsKv(harness: Harness, what: string): void {
  harness.plugin?.storeSteps?.assertLoadable?.(harness, what);
}

/**
 * Make what the loaded `entries` point at exist (the plugin's `afterLoad`: the share Worker's
 * placeholder images). Returns how many objects were written.
 */
export async function fillMissingImages(
  harness: Harness,
  entries: readonly KvSnapshotEntry[],
): Promise<number> {
  return (await harness.plugin?.storeSteps?.afterLoad?.(harness, entries)) ?? 0;
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

/**
 * Every KV entry and what the plugin's `clear` removes besides (the shares' images in R2): what a
 * replaced or wiped store leaves no trace of.
 */
export async function clearShares(harness: Harness): Promise<void> {
  await harness.kv.clear();
  await harness.plugin?.storeSteps?.clear?.(harness);
}

/** Delete every KV entry and what goes with it, then refresh the Worker. */
export async function clearStore(harness: Harness): Promise<{ cleared: true } & Refreshed> {
  await clearShares(harness);
  return { cleared: true, ...(await refreshWorker(harness)) };
}
