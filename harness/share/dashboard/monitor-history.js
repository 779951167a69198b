/**
 * @module harness/share/dashboard/monitor-history
 * Turns successive `/api/monitoring` answers into chart points: per-poll latency and the error
 * rate of the operations made since the previous poll (the Worker only reports running totals).
 */

const OPS = /** @type {const} */ (["reads", "writes", "deletes", "lists"]);

/** @param {import("./monitor-history.js").MonitoringSample["kv"]} kv */
function operations(kv) {
  return OPS.reduce((sum, name) => sum + (kv[name] ?? 0), 0);
}

/**
 * A rolling window of points. A restarted isolate starts its counters from zero again, so a
 * new `isolateStartedAt` or a counter going down counts from zero instead of going negative.
 * @example const h = createHistory(5 * 60_000); h.push(Date.now(), monitoringJson); h.points()
 * @type {typeof import("./monitor-history.js").createHistory}
 */
export function createHistory(windowMs) {
  /** @type {import("./monitor-history.js").HistoryPoint[]} */
  let points = [];
  /** @type {{ ops: number, errors: number, startedAt: string } | undefined} */
  let previous;
  return {
    push(at, monitoring) {
      const kv = monitoring.kv;
      const ops = operations(kv);
      const reset =
        previous === undefined ||
        previous.startedAt !== monitoring.isolateStartedAt ||
        ops < previous.ops ||
        kv.errors < previous.errors;
      const base = reset || previous === undefined ? { ops: 0, errors: 0 } : previous;
      const dOps = ops - base.ops;
      const dErrors = kv.errors - base.errors;
      // Failed operations may not be counted as operations, so cap at 100 %.
      const errorRate = dOps + dErrors === 0 ? 0 : Math.min(1, dErrors / Math.max(dOps, dErrors));
      previous = { ops, errors: kv.errors, startedAt: monitoring.isolateStartedAt };
      points.push({
        at,
        ops: dOps,
        errors: dErrors,
        errorRate,
        get: monitoring.latencyMs.get.p95,
        put: monitoring.latencyMs.put.p95,
        list: monitoring.latencyMs.list.p95,
      });
      points = points.filter((p) => p.at > at - windowMs);
    },
    /** Mark a poll that got no answer, so the charts show a gap rather than a straight line. */
    gap(at) {
      points.push({ at, ops: 0, errors: 0, errorRate: null, get: null, put: null, list: null });
      points = points.filter((p) => p.at > at - windowMs);
    },
    points() {
      return [...points];
    },
  };
}
