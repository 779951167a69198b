/**
 * @module storage/lru-cache
 * A bounded LRU of read results (positive and negative) with a TTL on the clock. Entries past their
 * TTL are kept until evicted so a failed KV read can still be answered (stale-if-error).
 */
import { now } from "../clock.js";

export interface CacheEntry<V> {
  value: V;
  storedAt: number;
}

export class LruCache<V> {
  private readonly entries = new Map<string, CacheEntry<V>>();
  hits = 0;
  misses = 0;

  constructor(
    public maxEntries: number,
    public ttlMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** A fresh entry (and marks it most recently used), else undefined. Counts hit/miss. */
  getFresh(key: string): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry && now() - entry.storedAt < this.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits++;
      return entry;
    }
    this.misses++;
    return undefined;
  }

  /** Any entry, fresh or stale, without touching counters (for stale-if-error). */
  peek(key: string): CacheEntry<V> | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: now() });
    this.evictBeyond(this.maxEntries);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Apply new bounds from config; shrinking evicts least recently used entries. */
  configure(maxEntries: number, ttlMs: number): void {
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
    this.evictBeyond(maxEntries);
  }

  /** Drops least recently used entries until at most `bound` (at least 0) are held. */
  private evictBeyond(bound: number): void {
    while (this.entries.size > Math.max(0, bound)) {
      const oldest = this.entries.keys().next().value;
      // Stryker disable next-line all: equivalent: the loop runs only while the map holds entries, so there is always an oldest key
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
