/**
 * @module storage/layers/logging
 * One JSON line per operation (`log.ts`), and one per event of the layers above: `hit` or
 * `hit_negative` for a read the cache answered, `stale` for a stale copy served, `retry` or
 * `rate_limited` before a write is tried again.
 */
import { logError, logStorage } from "../../log.js";
import type { StorageBackend } from "../types.js";
import { withObserver, type StorageObserver } from "./observe.js";

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function logObserver(backend: StorageBackend["name"]): StorageObserver {
  return {
    started() {},
    succeeded(op, key, ms, { found, count }) {
      const outcome = found === false ? "miss" : "ok";
      // An unset count leaves the line without the field (JSON drops undefined).
      logStorage({ op, key, outcome, ms, backend, count });
    },
    failed(op, key, ms, error) {
      logStorage({ op, key, outcome: "error", ms, backend, error: logError(op, error) });
    },
    event(event) {
      const { op, key, ms } = event;
      if (event.kind === "hit") {
        logStorage({ op, key, outcome: event.negative ? "hit_negative" : "hit", ms, backend });
      } else if (event.kind === "stale") {
        logStorage({
          op,
          key,
          outcome: "stale",
          ms,
          backend,
          count: event.count,
          error: logError(op, event.error),
        });
      } else {
        logStorage({
          op,
          key,
          outcome: /failed: 429/.test(message(event.error)) ? "rate_limited" : "retry",
          ms,
          backend,
          attempt: event.attempt,
          error: logError(op, event.error),
        });
      }
    },
  };
}

export function withLogging(inner: StorageBackend): StorageBackend {
  return withObserver(inner, logObserver(inner.name));
}
