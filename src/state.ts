/**
 * @module state
 * Everything this isolate holds between requests: read cache, metrics, the memory backend's data,
 * shares waiting for KV (write fallback), the inventory cache and keys found corrupt.
 * Lost when the isolate restarts, exactly like the guide's in-memory design.
 */
import type { HealthProbe } from "./health/check.js";
import type { ShareData } from "./shares/schema.js";
import type { IdempotencyRecord } from "./idempotency/records.js";
import type { CorruptRecord } from "./shares/corrupt.js";
import type { Inventory, ScanProgress } from "./shares/inventory.js";
import { LruCache } from "./storage/lru-cache.js";
import { createMemoryBackend } from "./storage/memory.js";
import { Metrics } from "./metrics/metrics.js";

/** A cached read: value (null = known missing) and its metadata. */
export interface CachedRead {
  value: string | null;
  metadata: unknown;
}

export interface IsolateState {
  metrics: Metrics;
  cache: LruCache<CachedRead>;
  memory: ReturnType<typeof createMemoryBackend>;
  pendingWrites: Map<string, ShareData>;
  /**
   * Shares flushed from `pendingWrites` to KV, with when, held for a list that began while they
   * were pending (`shares/store.ts`): its pages keep them in the pending phase, not KV's.
   */
  flushedWrites: Map<string, { share: ShareData; at: number }>;
  flushing: Promise<void> | undefined;
  inventory: { value: Inventory; at: number; backend: string } | undefined;
  /** The inventory scan running now, shared by concurrent callers. */
  inventoryScan: Promise<Inventory> | undefined;
  /**
   * The list's scan for legacy records when one request's list calls could not finish it: the
   * next list requests go on from here (`step`: the calls in flight, shared).
   */
  legacyScan:
    | { progress: ScanProgress; startedAt: number; backend: string; step?: Promise<boolean> }
    | undefined;
  /** The legacy records such a scan found (the list's alone: its totals may predate creates). */
  legacyList: { legacy: ShareData[]; at: number; backend: string } | undefined;
  /** Idempotency records KV refused (memory fallback), by key hash; flushed before their shares. */
  pendingIdempotency: Map<string, IdempotencyRecord>;
  /** Key hashes of creates running in this isolate now (a concurrent retry gets 409). */
  idempotencyInFlight: Set<string>;
  /** Keys found corrupt in this isolate, with why (`shares/corrupt.ts`). */
  corruptKeys: Map<string, CorruptRecord>;
  /** The last health probe (`health/check.ts`), reused for its window. */
  healthProbe: HealthProbe | undefined;
  /** Health probes this isolate started (each is one KV read and one R2 head at most). */
  healthProbes: number;
}

function fresh(): IsolateState {
  return {
    metrics: new Metrics(),
    cache: new LruCache<CachedRead>(1000, 300_000),
    memory: createMemoryBackend(),
    pendingWrites: new Map(),
    flushedWrites: new Map(),
    flushing: undefined,
    inventory: undefined,
    inventoryScan: undefined,
    legacyScan: undefined,
    legacyList: undefined,
    pendingIdempotency: new Map(),
    idempotencyInFlight: new Set(),
    corruptKeys: new Map(),
    healthProbe: undefined,
    healthProbes: 0,
  };
}

export let isolate: IsolateState = fresh();

/** Simulate an isolate restart (tests and the harness only). */
export function resetIsolateState(): void {
  isolate = fresh();
}
