/**
 * @module storage/layers/timeout
 * Bounds every call to the backend below: one that takes longer than `ms` rejects with
 * `KvTimeoutError` (an outage: retried for writes, a 503 or a stale copy for reads).
 */
import { withTimeout as within } from "../retry.js";
import type { StorageBackend } from "../types.js";

export function withTimeout(inner: StorageBackend, ms: number): StorageBackend {
  return {
    name: inner.name,
    get: (key) => within(inner.get(key), "GET", ms),
    getWithMetadata: (key) => within(inner.getWithMetadata(key), "GET", ms),
    getMany: (keys) => within(inner.getMany(keys), "GET_BULK", ms),
    put: (key, value, options) => within(inner.put(key, value, options), "PUT", ms),
    putOnce: (key, value, options) => within(inner.putOnce(key, value, options), "PUT", ms),
    delete: (key) => within(inner.delete(key), "DELETE", ms),
    list: (options) => within(inner.list(options), "LIST", ms),
  };
}
