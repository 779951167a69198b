/**
 * The figures behind `GET /api/monitoring`'s `latencyMs` and error rate: percentiles over the
 * latest 200 samples per operation (an old slow spell stops counting), and the isolate's start
 * time taken once, on the first request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { Metrics } from "./metrics.js";

afterEach(() => setClock(() => Date.now()));

describe("Metrics", () => {
  it("reports p50, p95 and max of the samples, 0s when there are none", () => {
    const m = new Metrics();
    expect(m.latency("get")).toEqual({ p50: 0, p95: 0, max: 0 });
    for (let ms = 1; ms <= 100; ms++) m.record("get", 101 - ms);
    expect(m.latency("get")).toEqual({ p50: 50, p95: 95, max: 100 });
    expect(m.latency("put")).toEqual({ p50: 0, p95: 0, max: 0 });
  });

  it("keeps only the latest 200 samples of an operation", () => {
    const m = new Metrics();
    for (let i = 0; i < 50; i++) m.record("list", 10_000);
    for (let i = 0; i < 200; i++) m.record("list", 5);
    expect(m.latency("list")).toEqual({ p50: 5, p95: 5, max: 5 });
    m.record("list", 7);
    expect(m.latency("list").max).toBe(7);
  });

  it("counts every operation kind in the error rate", () => {
    const m = new Metrics();
    expect(m.errorRate()).toBe(0);
    m.reads = 4;
    m.writes = 3;
    m.deletes = 2;
    m.lists = 1;
    m.errors = 5;
    expect(m.operations).toBe(10);
    expect(m.errorRate()).toBe(0.5);
  });

  it("takes the start time on the first request only", () => {
    const m = new Metrics();
    setClock(() => 1_000);
    m.markStarted();
    setClock(() => 2_000);
    m.markStarted();
    expect(m.startedAt).toBe(1_000);
  });
});
