/**
 * @module storage/layers/metrics
 * Counts every operation into the isolate's `Metrics` (reads, writes, deletes, lists, errors,
 * latency windows) and the events of the layers above (retries, stale fallbacks).
 */
import type { StorageOp } from "../../log.js";
import type { LatencyOp, Metrics } from "../../metrics/metrics.js";
import type { StorageBackend } from "../types.js";
import { withObserver, type StorageObserver } from "./observe.js";

const LATENCY: Partial<Record<StorageOp, LatencyOp>> = {
  get: "get",
  getMany: "get",
  put: "put",
  list: "list",
};

export function metricsObserver(metrics: Metrics): StorageObserver {
  return {
    started(op) {
      if (op === "get" || op === "getMany") metrics.reads++;
      else if (op === "put") metrics.writes++;
      else if (op === "delete") metrics.deletes++;
      else if (op === "list") metrics.lists++;
    },
    succeeded(op, _key, ms) {
      const window = LATENCY[op];
      if (window) metrics.record(window, ms);
    },
    failed() {
      metrics.errors++;
    },
    event(event) {
      if (event.kind === "retry") {
        metrics.retries++;
        metrics.errors++;
      } else if (event.kind === "stale") {
        metrics.fallbacks++;
      }
    },
  };
}

export function withMetrics(inner: StorageBackend, metrics: Metrics): StorageBackend {
  return withObserver(inner, metricsObserver(metrics));
}
