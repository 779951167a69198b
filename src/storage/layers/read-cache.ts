/**
 * @module storage/layers/read-cache
 * The isolate's read cache: a fresh entry answers a read with no call below (misses are cached
 * too), this isolate's own writes and deletes update it, and when the backend below fails for a
 * retryable reason a stale entry still answers (stale-if-error). A failure nothing held can
 * answer, or a caller error (bad key), goes up unchanged.
 */
import { KV_LIMITS } from "../../../lib/kv-limits.js";
import { now } from "../../clock.js";
import type { LruCache } from "../lru-cache.js";
import { isRetryableKvError } from "../retry.js";
import type { PutOptions, StorageBackend, ValueWithMetadata } from "../types.js";
import type { StorageEvents } from "./events.js";

export function withReadCache(
  inner: StorageBackend,
  cache: LruCache<ValueWithMetadata>,
  events: StorageEvents,
): StorageBackend {
  async function read(key: string): Promise<ValueWithMetadata> {
    const start = now();
    const hit = cache.getFresh(key);
    if (hit) {
      events({
        kind: "hit",
        op: "get",
        key,
        negative: hit.value.value === null,
        ms: now() - start,
      });
      return hit.value;
    }
    try {
      const result = await inner.getWithMetadata(key);
      const held: ValueWithMetadata = { value: result.value, metadata: result.metadata ?? null };
      cache.set(key, held);
      return held;
    } catch (error) {
      const stale = isRetryableKvError(error) ? cache.peek(key) : undefined;
      if (!stale) throw error;
      events({ kind: "stale", op: "get", key, ms: now() - start, error });
      return stale.value;
    }
  }

  async function readMany(keys: string[]): Promise<Map<string, string | null>> {
    // Over the bulk limit is the caller's bug whatever the cache holds: the backend refuses it.
    if (keys.length > KV_LIMITS.bulkKeys) return inner.getMany(keys);
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = cache.getFresh(key);
      if (hit) out.set(key, hit.value.value);
      else missing.push(key);
    }
    if (missing.length === 0) return out;
    const start = now();
    try {
      const result = await inner.getMany(missing);
      for (const key of missing) {
        const value = result.get(key) ?? null;
        out.set(key, value);
        // A bulk read has no metadata: keep what a single read of the key left here. A value
        // whose metadata this isolate never read is not cached: a delete reading it from here
        // would miss the record's idempotency key, and a retried create would bring it back.
        const held = cache.peek(key);
        if (value === null || held)
          cache.set(key, { value, metadata: held?.value.metadata ?? null });
      }
      return out;
    } catch (error) {
      if (!isRetryableKvError(error) || missing.some((key) => !cache.peek(key))) throw error;
      for (const key of missing) out.set(key, cache.peek(key)!.value.value);
      const count = missing.length;
      events({ kind: "stale", op: "getMany", key: missing[0]!, ms: now() - start, error, count });
      return out;
    }
  }

  const written = (key: string, value: string, options: PutOptions = {}) =>
    cache.set(key, { value, metadata: options.metadata ?? null });

  return {
    name: inner.name,
    get: async (key) => (await read(key)).value,
    getWithMetadata: read,
    getMany: readMany,
    async put(key, value, options) {
      await inner.put(key, value, options);
      written(key, value, options);
    },
    async putOnce(key, value, options) {
      await inner.putOnce(key, value, options);
      written(key, value, options);
    },
    async delete(key) {
      await inner.delete(key);
      cache.set(key, { value: null, metadata: null });
    },
    list: (options) => inner.list(options),
  };
}
