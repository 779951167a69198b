/**
 * @module harness/workers/edge-cache
 * One location's emulated KV edge cache (production profile): one entry per key, shared by every
 * read form (`get` of any type, `getWithMetadata`, bulk reads, streams), holding the entry or
 * "not found"; and list pages. An entry is served while it is younger than the reading call's
 * cache TTL and its own lifetime (set when it was cached) has not run out, on the virtual clock.
 */
import type { StoredEntry } from "./virtual-store.js";

interface Cached<T> {
  value: T;
  cachedAt: number;
  until: number;
}

export class EdgeCache {
  readonly #keys = new Map<string, Cached<StoredEntry | null>>();
  readonly #lists = new Map<string, Cached<unknown>>();

  /** The cached entry (`null`: cached as missing), or `undefined` on a miss. */
  read(key: string, now: number, ttlMs: number): { entry: StoredEntry | null } | undefined {
    const hit = fresh(this.#keys, key, now, ttlMs);
    return hit ? { entry: hit.value } : undefined;
  }

  write(key: string, entry: StoredEntry | null, now: number, until: number): void {
    this.#keys.set(key, { value: entry, cachedAt: now, until });
  }

  drop(key: string): void {
    this.#keys.delete(key);
  }

  readList(id: string, now: number, ttlMs: number): { page: unknown } | undefined {
    const hit = fresh(this.#lists, id, now, ttlMs);
    return hit ? { page: hit.value } : undefined;
  }

  writeList(id: string, page: unknown, now: number, until: number): void {
    this.#lists.set(id, { value: page, cachedAt: now, until });
  }

  dropLists(): void {
    this.#lists.clear();
  }

  clear(): void {
    this.#keys.clear();
    this.#lists.clear();
  }
}

function fresh<T>(
  map: Map<string, Cached<T>>,
  id: string,
  now: number,
  ttlMs: number,
): Cached<T> | undefined {
  const cached = map.get(id);
  if (!cached) return undefined;
  if (cached.until <= now) {
    map.delete(id);
    return undefined;
  }
  // A read with a shorter cache TTL than the one that cached the entry sees it expire sooner.
  return now < cached.cachedAt + ttlMs ? cached : undefined;
}
