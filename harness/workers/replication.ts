/**
 * @module harness/workers/replication
 * The production profile's replication delay: an accepted write reaches each other location after
 * a delay drawn per (write, location) from [0, windowMs], seeded and deterministic; the writing
 * location sees it at once unless `writerSeesOwnWrites` is off (then its delay is drawn too). A
 * location sees the newest write that has reached it; before any has, what the store held before
 * them. Writes are remembered only until every location has the newest one.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import type { StoredEntry } from "./virtual-store.js";

export interface ReplicationOptions {
  windowMs: number;
  seed: number;
  writerSeesOwnWrites: boolean;
  locations: number;
}

interface Write {
  entry: StoredEntry | null;
  /** Virtual ms at which each location sees this write. */
  arrivals: number[];
}

interface History {
  /** What the store held before the first remembered write. */
  base: StoredEntry | null;
  writes: Write[];
  /** Writes to this key since boot: part of each delay's seed. */
  seq: number;
}

/** FNV-1a, 32 bits: a stable number for a key. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Replication {
  readonly #keys = new Map<string, History>();
  readonly #seqs = new Map<string, number>();

  constructor(readonly options: ReplicationOptions) {}

  /** True when `key` has writes not yet seen everywhere (their base is already known). */
  tracks(key: string, now: number): boolean {
    return this.#history(key, now) !== undefined;
  }

  /**
   * Remember an accepted write of `entry` (`null`: a delete) by location `writer` at `at`.
   * `base` (what the store held just before) is needed when `tracks(key)` was false.
   */
  record(
    key: string,
    entry: StoredEntry | null,
    writer: number,
    at: number,
    base: StoredEntry | null,
  ): void {
    const seq = (this.#seqs.get(key) ?? 0) + 1;
    this.#seqs.set(key, seq);
    const history = this.#history(key, at) ?? { base, writes: [], seq };
    history.seq = seq;
    const { windowMs, seed, writerSeesOwnWrites, locations } = this.options;
    const rng = xoroshiro128plus((seed ^ hash(key) ^ Math.imul(seq, 0x9e3779b1)) | 0);
    const arrivals = Array.from({ length: locations }, (_, loc) => {
      const delay = unsafeUniformIntDistribution(0, windowMs, rng);
      return loc === writer && writerSeesOwnWrites ? at : at + delay;
    });
    history.writes.push({ entry, arrivals });
    this.#keys.set(key, history);
  }

  /** What `location` sees of `key` at `now`; `undefined`: the store's current entry. */
  visible(key: string, location: number, now: number): { entry: StoredEntry | null } | undefined {
    const history = this.#history(key, now);
    if (!history) return undefined;
    for (let i = history.writes.length - 1; i >= 0; i--) {
      const write = history.writes[i]!;
      if ((write.arrivals[location] ?? 0) <= now) {
        return i === history.writes.length - 1 ? undefined : { entry: write.entry };
      }
    }
    return { entry: history.base };
  }

  /** When the next write to `key` that `location` has not seen yet reaches it. */
  nextArrival(key: string, location: number, now: number): number | undefined {
    const history = this.#history(key, now);
    let next: number | undefined;
    for (const write of history?.writes ?? []) {
      const at = write.arrivals[location] ?? 0;
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** The earliest pending arrival at `location` among keys starting with `prefix`. */
  nextArrivalUnder(prefix: string, location: number, now: number): number | undefined {
    let next: number | undefined;
    for (const key of [...this.#keys.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const at = this.nextArrival(key, location, now);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Keys with writes in flight (for list pages). */
  pendingKeys(prefix: string, now: number): string[] {
    return [...this.#keys.keys()].filter((k) => k.startsWith(prefix) && this.tracks(k, now));
  }

  /** Direct store access is seen everywhere at once: stop modelling the key. */
  forget(key: string): void {
    this.#keys.delete(key);
  }

  clear(): void {
    this.#keys.clear();
  }

  #history(key: string, now: number): History | undefined {
    const history = this.#keys.get(key);
    if (!history) return undefined;
    const last = history.writes[history.writes.length - 1];
    if (!last || last.arrivals.every((at) => at <= now)) {
      this.#keys.delete(key);
      return undefined;
    }
    return history;
  }
}
