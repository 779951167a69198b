/**
 * @module harness/workers/layer-state
 * Everything the KV layer remembers, held in the kv-layer worker's single isolate. Shared by every
 * namespace ({@link LayerShared}): config, fault rules, the daily counts and the clock offset. Per
 * namespace ({@link LayerState}, one per `kv_namespaces` binding): per-isolate fault counts and
 * edge caches, the same-key write limit, the replication model, per-key write queues and the
 * write marks reads check.
 */
import type { FaultRule, KvCounters, KvProfile } from "../types.js";
import { DailyLimits, type DailyCounts } from "./daily-limits.js";
import { EdgeCache } from "./edge-cache.js";
import { FaultTable } from "./faults.js";
import { CursorSeal } from "./kv-cursors.js";
import { Replication } from "./replication.js";
import { WriteLimit } from "./write-limit.js";
import { WriteMarks } from "./write-marks.js";

/** Passed to the kv-layer worker as the `HARNESS_CONFIG` JSON binding at every boot. */
export interface LayerConfig {
  /** The Worker's KV binding names, one namespace each. */
  bindings: string[];
  isolates: number;
  profile: KvProfile;
  writerSeesOwnWrites: boolean;
  edgeCacheTtlMs: number;
  seed: number;
  offsetMs: number;
  rules: FaultRule[];
  /** Production: extra same-key writes accepted per second, and whether deletes count. */
  writeRate: { burst: number; deletesCount: boolean };
  /** Production: a write reaches other locations within this many ms. */
  replicationWindowMs: number;
  /** Production, opt-in: daily operation counts (the free plan's). */
  daily?: DailyCounts;
}

/** What the layer itself counts; reads, writes, deletes and lists are counted in each isolate. */
export type LayerCounts = Pick<KvCounters, "faults" | "rateLimited">;

/** What every namespace of the layer shares: one rule table, one clock, one account's daily counts. */
export class LayerShared {
  readonly faults: FaultTable;
  offsetMs: number;
  readonly daily: DailyLimits | undefined;

  constructor(readonly config: LayerConfig) {
    this.offsetMs = config.offsetMs;
    this.faults = new FaultTable(config.seed);
    this.faults.set(config.rules);
    this.daily = config.daily ? new DailyLimits(config.daily) : undefined;
  }
}

/** One namespace's state (named by the Worker's binding). */
export class LayerState {
  readonly config: LayerConfig;
  readonly faults: FaultTable;
  counts: LayerCounts[];
  readonly caches: EdgeCache[];
  readonly writeLimit: WriteLimit;
  readonly replication: Replication;
  readonly daily: DailyLimits | undefined;
  readonly cursors: CursorSeal;
  /** Which keys a write touched while a read of the store was in flight. */
  readonly writeMarks = new WriteMarks();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly binding: string,
    readonly shared: LayerShared,
  ) {
    const config = shared.config;
    this.config = config;
    this.faults = shared.faults;
    this.daily = shared.daily;
    this.counts = Array.from({ length: config.isolates }, emptyCounts);
    this.caches = Array.from({ length: config.isolates }, () => new EdgeCache());
    this.writeLimit = new WriteLimit({ burst: config.writeRate.burst, windowMs: 1000 });
    this.replication = new Replication({
      windowMs: config.replicationWindowMs,
      seed: config.seed,
      writerSeesOwnWrites: config.writerSeesOwnWrites,
      locations: config.isolates,
    });
    this.cursors = new CursorSeal(config.seed);
  }

  /** The virtual clock's offset (ms), the same for every namespace. */
  get offsetMs(): number {
    return this.shared.offsetMs;
  }

  countsFor(isolate: number): LayerCounts {
    return (this.counts[isolate] ??= emptyCounts());
  }

  cacheFor(isolate: number): EdgeCache {
    return (this.caches[isolate] ??= new EdgeCache());
  }

  /** Run `fn` after every earlier write to `key` has finished: the store sees accepted order. */
  inOrder<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return next;
  }

  resetCounts(): void {
    this.counts = this.counts.map(emptyCounts);
  }

  /**
   * Direct store access (admin writes, loads, clear) is seen everywhere at once: the replication
   * model stops tracking the key. Edge caches keep what they hold until it expires.
   */
  forget(key?: string): void {
    if (key === undefined) this.replication.clear();
    else this.replication.forget(key);
  }

  /**
   * As booted, but keeping the clock: no rules, zero counters, empty edge caches, no write slots
   * taken and no writes in flight.
   */
  reset(): void {
    this.faults.set([]);
    this.resetCounts();
    for (const cache of this.caches) cache.clear();
    this.writeLimit.clear();
    this.replication.clear();
  }
}

export function emptyCounts(): LayerCounts {
  return { faults: 0, rateLimited: 0 };
}
