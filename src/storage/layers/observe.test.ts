/**
 * What an operator reads about each storage operation: the JSON log line (op, key, outcome, ms,
 * backend, count, error) and the counters and latency windows behind GET /api/monitoring, for
 * every method of a backend, on a clock that each call moves forward by a known amount.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { setClock } from "../../clock.js";
import { captureLogLines, restoreLogsAndClock } from "../../testing/log-lines.js";
import { Metrics } from "../../metrics/metrics.js";
import { createMemoryBackend } from "../memory.js";
import type { StorageBackend } from "../types.js";
import { withLogging } from "./logging.js";
import { withMetrics } from "./metrics.js";

/** Milliseconds each method of the backend below takes on the test clock. */
const COST: Record<keyof Omit<StorageBackend, "name">, number> = {
  get: 3,
  getWithMetadata: 4,
  getMany: 5,
  put: 7,
  putOnce: 8,
  delete: 11,
  list: 13,
};

let clock = 1_000_000;

/** A memory backend whose every call moves the clock by its method's cost (and can fail). */
function timedBackend(fail: Partial<Record<keyof typeof COST, string>> = {}): StorageBackend {
  const inner = createMemoryBackend();
  const timed = { name: inner.name } as StorageBackend;
  for (const method of Object.keys(COST) as (keyof typeof COST)[]) {
    const original = inner[method] as (...args: unknown[]) => Promise<unknown>;
    (timed as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      clock += COST[method];
      const message = fail[method];
      if (message !== undefined) throw new Error(message);
      return original(...args);
    };
  }
  return timed;
}

afterEach(restoreLogsAndClock);

describe("withLogging()", () => {
  it("logs one line per operation: op, key, ok or miss, the time it took, count for bulk ones", async () => {
    setClock(() => clock);
    const b = withLogging(timedBackend());
    await b.put("share:a", "1");
    await b.putOnce("share:b", "2");
    const lines = captureLogLines();
    await b.get("share:a");
    await b.get("share:none");
    await b.getWithMetadata("share:b");
    await b.getWithMetadata("share:none");
    await b.getMany(["share:a", "share:none", "share:b"]);
    await b.getMany([]);
    await b.delete("share:a");
    await b.list({ prefix: "share:" });
    await b.list();
    const info = { level: "info", backend: "memory" };
    expect(lines()).toEqual([
      { ...info, op: "get", key: "share:a", outcome: "ok", ms: 3 },
      { ...info, op: "get", key: "share:none", outcome: "miss", ms: 3 },
      { ...info, op: "get", key: "share:b", outcome: "ok", ms: 4 },
      { ...info, op: "get", key: "share:none", outcome: "miss", ms: 4 },
      { ...info, op: "getMany", key: "share:a", outcome: "ok", ms: 5, count: 3 },
      { ...info, op: "getMany", key: "", outcome: "ok", ms: 5, count: 0 },
      { ...info, op: "delete", key: "share:a", outcome: "ok", ms: 11 },
      { ...info, op: "list", key: "share:", outcome: "ok", ms: 13, count: 1 },
      { ...info, op: "list", key: "", outcome: "ok", ms: 13, count: 1 },
    ]);
  });

  it("logs the writes as put, and a failure at level error with the failed op's own label", async () => {
    setClock(() => clock);
    const lines = captureLogLines();
    const ok = withLogging(timedBackend());
    await ok.put("k", "v");
    await ok.putOnce("k", "w");
    const down = withLogging(
      timedBackend({
        list: "KV GET failed: 503 Service Unavailable",
        delete: "KV DELETE failed: 500 Internal Server Error",
        getMany: "network connection lost",
      }),
    );
    await expect(down.list({ prefix: "share:" })).rejects.toThrow(/503/);
    await expect(down.delete("share:x")).rejects.toThrow(/500/);
    await expect(down.getMany(["share:y"])).rejects.toThrow(/lost/);
    const error = { level: "error", backend: "memory", outcome: "error" };
    expect(lines()).toEqual([
      { level: "info", backend: "memory", op: "put", key: "k", outcome: "ok", ms: 7 },
      { level: "info", backend: "memory", op: "put", key: "k", outcome: "ok", ms: 8 },
      {
        ...error,
        op: "list",
        key: "share:",
        ms: 13,
        error: "KV LIST failed: 503 Service Unavailable",
      },
      {
        ...error,
        op: "delete",
        key: "share:x",
        ms: 11,
        error: "KV DELETE failed: 500 Internal Server Error",
      },
      { ...error, op: "getMany", key: "share:y", ms: 5, error: "network connection lost" },
    ]);
  });
});

describe("withMetrics()", () => {
  it("counts reads, writes, deletes and lists, and records get, put and list latencies", async () => {
    setClock(() => clock);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const metrics = new Metrics();
    const b = withMetrics(timedBackend(), metrics);
    await b.put("a", "1");
    await b.putOnce("b", "2");
    await b.get("a");
    await b.getWithMetadata("b");
    await b.getMany(["a", "b"]);
    await b.delete("a");
    await b.delete("b");
    await b.delete("c");
    await b.list();
    expect(metrics).toMatchObject({
      reads: 3,
      writes: 2,
      deletes: 3,
      lists: 1,
      errors: 0,
      retries: 0,
      fallbacks: 0,
    });
    // Deletes (11 ms) are in no window; a bulk read counts as a read.
    expect(metrics.latency("get")).toEqual({ p50: 4, p95: 5, max: 5 });
    expect(metrics.latency("put")).toEqual({ p50: 7, p95: 8, max: 8 });
    expect(metrics.latency("list")).toEqual({ p50: 13, p95: 13, max: 13 });
  });

  it("counts a failed operation as an error and as the operation, with no latency sample", async () => {
    setClock(() => clock);
    const metrics = new Metrics();
    const b = withMetrics(
      timedBackend({ get: "KV GET failed: 503", put: "KV PUT failed: 429", list: "x" }),
      metrics,
    );
    await expect(b.get("a")).rejects.toThrow();
    await expect(b.put("a", "1")).rejects.toThrow();
    await expect(b.list()).rejects.toThrow();
    expect(metrics).toMatchObject({ reads: 1, writes: 1, lists: 1, deletes: 0, errors: 3 });
    for (const op of ["get", "put", "list"] as const) {
      expect(metrics.latency(op)).toEqual({ p50: 0, p95: 0, max: 0 });
    }
  });
});
