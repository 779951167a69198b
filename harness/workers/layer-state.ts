/**
 * @module harness/workers/layer-state
 * Everything the KV layer remembers, held in the kv-layer worker's single isolate: config, fault
 * rules, per-isolate counters and edge caches, per-key last write times and the clock offset.
 */
import type { CountersReport, FaultRule, KvCounters, KvProfile } from "../types";
import { EdgeCache } from "./edge-cache";
import { FaultTable } from "./faults";

/** Passed to the kv-layer worker as the `HARNESS_CONFIG` JSON binding at every boot. */
export interface LayerConfig {
  isolates: number;
  profile: KvProfile;
  writerSeesOwnWrites: boolean;
  edgeCacheTtlMs: number;
  seed: number;
  offsetMs: number;
  rules: FaultRule[];
}

export function emptyCounters(): KvCounters {
  return { reads: 0, writes: 0, deletes: 0, lists: 0, faults: 0, rateLimited: 0 };
}

export class LayerState {
  readonly config: LayerConfig;
  readonly faults: FaultTable;
  offsetMs: number;
  counters: KvCounters[];
  readonly caches: EdgeCache[];
  /** Production profile: virtual ms of the last accepted write per key. */
  readonly lastWrite = new Map<string, number>();

  constructor(config: LayerConfig) {
    this.config = config;
    this.offsetMs = config.offsetMs;
    this.faults = new FaultTable(config.seed);
    this.faults.set(config.rules);
    this.counters = Array.from({ length: config.isolates }, emptyCounters);
    this.caches = Array.from({ length: config.isolates }, () => new EdgeCache());
  }

  countersFor(isolate: number): KvCounters {
    let c = this.counters[isolate];
    if (!c) {
      c = emptyCounters();
      this.counters[isolate] = c;
    }
    return c;
  }

  cacheFor(isolate: number): EdgeCache {
    let cache = this.caches[isolate];
    if (!cache) {
      cache = new EdgeCache();
      this.caches[isolate] = cache;
    }
    return cache;
  }

  report(): CountersReport {
    const total = emptyCounters();
    for (const c of this.counters) {
      for (const k of Object.keys(total) as (keyof KvCounters)[]) total[k] += c[k];
    }
    return { total, isolates: this.counters.map((c) => ({ ...c })) };
  }

  resetCounters(): void {
    this.counters = this.counters.map(emptyCounters);
  }

  /** As booted, but keeping the clock: no rules, zero counters, empty edge caches and write times. */
  reset(): void {
    this.faults.set([]);
    this.resetCounters();
    for (const cache of this.caches) cache.clear();
    this.lastWrite.clear();
  }
}
