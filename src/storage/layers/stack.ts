/**
 * @module storage/layers/stack
 * Builds the layers over any backend, outermost first:
 * outage errors → read cache → metrics → logging → retries → timeout → the backend.
 * Every layer is optional but the instrumentation and the outage errors; the KV backend gets all
 * of them, the memory backend (in the isolate: nothing to time out, retry or cache) only those.
 * The events the cache and retry layers report reach the same metrics and log observers.
 * @example layered(createKvBackend(binding), { metrics, cache, timeoutMs: 5000, retry })
 */
import type { Metrics } from "../../metrics/metrics.js";
import type { LruCache } from "../lru-cache.js";
import type { StorageBackend, ValueWithMetadata } from "../types.js";
import type { StorageEvents } from "./events.js";
import { logObserver } from "./logging.js";
import { metricsObserver } from "./metrics.js";
import { withObserver } from "./observe.js";
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
  const metrics = metricsObserver(layers.metrics);
  const log = logObserver(backend.name);
  const events: StorageEvents = (event) => {
    metrics.event(event);
    log.event(event);
  };
  let stack = backend;
  if (layers.timeoutMs !== undefined) stack = withTimeout(stack, layers.timeoutMs);
  if (layers.retry) stack = withRetries(stack, layers.retry, events);
  // withMetrics(withLogging(stack)), with the observers the events above go to.
  stack = withObserver(withObserver(stack, log), metrics);
  if (layers.cache) stack = withReadCache(stack, layers.cache, events);
  return withOutageErrors(stack);
}
