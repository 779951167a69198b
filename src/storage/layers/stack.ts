/**
 * @module storage/layers/stack
 * Builds the layers over any backend, outermost first:
 * outage errors → read cache → metrics → logging → retries → timeout → the backend.
 * Every layer is optional but the instrumentation and the outage errors; the KV backend gets all
 * of them, the memory backend (in the isolate: nothing to time out, retry or cache) only those.
 * The events the cache and retry layers report are counted and logged by the same rules.
 * @example layered(createKvBackend(binding), { metrics, cache, timeoutMs: 5000, retry })
 */
import type { Metrics } from "../../metrics/metrics.js";
import type { LruCache } from "../lru-cache.js";
import type { StorageBackend, ValueWithMetadata } from "../types.js";
import type { StorageEvents } from "./events.js";
import { logObserver, withLogging } from "./logging.js";
import { metricsObserver, withMetrics } from "./metrics.js";
import { withOutageErrors } from "./outage.js";
import { withReadCache } from "./read-cache.js";
import { withRetries, type RetryLimits } from "./retries.js";
import { withTimeout } from "./timeout.js";

export interface Layers {
  metrics: Metrics;
  /** Per-call bound, ms. */
  timeoutMs?: number;
  /** Write retries. */
  retry?: RetryLimits;
  /** The isolate's read cache. */
  cache?: LruCache<ValueWithMetadata>;
}

export function layered(backend: StorageBackend, layers: Layers): StorageBackend {
  // The cache's and the retries' events are counted and logged by the metrics and log rules.
  const counted = metricsObserver(layers.metrics);
  const logged = logObserver(backend.name);
  const events: StorageEvents = (event) => {
    counted.event(event);
    logged.event(event);
  };
  let stack = backend;
  if (layers.timeoutMs !== undefined) stack = withTimeout(stack, layers.timeoutMs);
  if (layers.retry) stack = withRetries(stack, layers.retry, events);
  stack = withMetrics(withLogging(stack), layers.metrics);
  if (layers.cache) stack = withReadCache(stack, layers.cache, events);
  return withOutageErrors(stack);
}
