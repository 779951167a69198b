/**
 * @module bench/store
 * Deterministic share stores for the benchmarks: faker entries exactly as the Worker writes them,
 * loaded through the harness's in-workerd bulk load (`kv.load`), in chunks so one admin call
 * stays a few MB.
 */
import { createShareFactory } from "../fixtures/factories/index.js";
import type { Harness, KvSnapshotEntry } from "../harness/types.js";

const CHUNK = 2000;
/** Entries are made in the 29 days before this much earlier than now, so none expires mid-run. */
const SAFETY_MS = 10 * 60_000;

/** `count` share entries (seeded) made relative to the harness's virtual `now`. */
export function shareEntries(count: number, seed: number, now: number): KvSnapshotEntry[] {
  const factory = createShareFactory(seed, { now: now - SAFETY_MS });
  return factory.shares(count).map((share) => factory.entry(share));
}

/** Write `entries` into the harness's store; resolves when all are on disk. */
export async function loadEntries(harness: Harness, entries: KvSnapshotEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    await harness.kv.load({
      version: 1,
      takenAt: harness.clock.now(),
      entries: entries.slice(i, i + CHUNK),
    });
  }
}

/** The share id of an entry key (`share:{id}`). */
export const idOf = (entry: KvSnapshotEntry): string => entry.key.slice("share:".length);
