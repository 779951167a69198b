/**
 * @module storage/layers/retries
 * Retries writes (put, delete) that failed for a retryable reason, with the backoff of
 * `retry.ts`, bounded in attempts and total sleep. Reads are not retried: the read cache answers
 * a stale copy, or the caller gets a 503 at once. `putOnce` is tried once.
 */
import { now } from "../../clock.js";
import { withRetry, type RetryPolicy } from "../retry.js";
import type { StorageBackend } from "../types.js";
import type { StorageEvents } from "./events.js";

export type RetryLimits = Pick<RetryPolicy, "baseMs" | "maxAttempts" | "maxTotalMs">;

export function withRetries(
  inner: StorageBackend,
  limits: RetryLimits,
  events: StorageEvents,
): StorageBackend {
  const retried = (op: "put" | "delete", key: string, run: () => Promise<void>) => {
    const start = now();
    return withRetry(run, limits, (error, attempt) =>
      events({ kind: "retry", op, key, ms: now() - start, error, attempt }),
    );
  };
  return {
    name: inner.name,
    get: (key) => inner.get(key),
    getWithMetadata: (key) => inner.getWithMetadata(key),
    getMany: (keys) => inner.getMany(keys),
    put: (key, value, options) => retried("put", key, () => inner.put(key, value, options)),
    putOnce: (key, value, options) => inner.putOnce(key, value, options),
    delete: (key) => retried("delete", key, () => inner.delete(key)),
    list: (options) => inner.list(options),
  };
}
