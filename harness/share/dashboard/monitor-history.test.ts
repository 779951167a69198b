import { describe, expect, it } from "vitest";
import { createHistory, type MonitoringSample } from "./monitor-history.js";

function sample(
  kv: Partial<MonitoringSample["kv"]>,
  startedAt = "2026-11-25T20:00:00.000Z",
  getP95 = 3,
): MonitoringSample {
  const latency = { p50: 1, p95: getP95, max: getP95 };
  return {
    kv: { reads: 0, writes: 0, deletes: 0, lists: 0, errors: 0, ...kv },
    latencyMs: { get: latency, put: latency, list: latency },
    isolateStartedAt: startedAt,
  };
}

describe("createHistory", () => {
  it("charts the error rate of each poll's new operations, not the running total", () => {
    const history = createHistory(60_000);
    history.push(1_000, sample({ reads: 100 }));
    history.push(2_000, sample({ reads: 110, errors: 5 }));
    history.push(3_000, sample({ reads: 120, errors: 5 }, undefined, 520));
    expect(history.points().map((p) => p.errorRate)).toEqual([0, 0.5, 0]);
    expect(history.points().map((p) => p.get)).toEqual([3, 3, 520]);
  });

  it("counts from zero after an isolate restart instead of showing negative rates", () => {
    const history = createHistory(60_000);
    history.push(1_000, sample({ reads: 50, errors: 10 }));
    history.push(2_000, sample({ reads: 4, errors: 4 }, "2026-11-25T20:05:00.000Z"));
    const last = history.points().at(-1)!;
    expect(last).toMatchObject({ ops: 4, errors: 4, errorRate: 1 });
  });

  it("keeps only the window and marks missed polls as gaps", () => {
    const history = createHistory(10_000);
    history.push(1_000, sample({ reads: 1 }));
    history.gap(6_000);
    history.push(12_000, sample({ reads: 2 }));
    expect(history.points().map((p) => [p.at, p.errorRate])).toEqual([
      [6_000, null],
      [12_000, 0],
    ]);
  });
});
