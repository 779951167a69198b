/**
 * The read cache as a caller and an operator see it through the Worker's stack: which reads reach
 * storage, what a read answers while storage is down (a stale copy, or the error), the cache's own
 * log lines and counters, and what single and bulk reads leave for each other.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { setClock } from "../../clock.js";
import { AppError } from "../../errors.js";
import { Metrics } from "../../metrics/metrics.js";
import { LruCache } from "../lru-cache.js";
import { createMemoryBackend } from "../memory.js";
import type { StorageBackend, ValueWithMetadata } from "../types.js";
import { layered } from "./stack.js";

const TTL_MS = 1000;
let clock = 5_000_000;

/**
 * A memory backend whose reads are counted and fail with `down` while it is set, and whose writes
 * fail with `writesDown` while that is set.
 */
function switchable() {
  const inner = createMemoryBackend();
  const state = {
    down: undefined as string | undefined,
    writesDown: undefined as string | undefined,
    calls: 0,
  };
  const read =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.calls++;
      if (state.down !== undefined) throw new Error(state.down);
      return call(...args);
    };
  const write =
    <A extends unknown[]>(call: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      if (state.writesDown !== undefined) throw new Error(state.writesDown);
      return call(...args);
    };
  const backend: StorageBackend = {
    ...inner,
    get: read(inner.get),
    getWithMetadata: read(inner.getWithMetadata),
    getMany: read(inner.getMany),
    put: write(inner.put),
    putOnce: write(inner.putOnce),
    delete: write(inner.delete),
  };
  return { backend, state, raw: inner };
}

function setup() {
  setClock(() => clock);
  const metrics = new Metrics();
  const cache = new LruCache<ValueWithMetadata>(500, TTL_MS);
  const { backend, state, raw } = switchable();
  const stack = layered(backend, { metrics, cache });
  return { stack, state, raw, metrics, cache };
}

function logLines() {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  return () => spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
}

const DOWN = "KV GET failed: 503 Service Unavailable";

afterEach(() => {
  vi.restoreAllMocks();
  setClock(() => Date.now());
});

describe("single reads", () => {
  it("answers a fresh entry from the cache (hit, hit_negative) and re-reads once it is past the TTL", async () => {
    const { stack, state, raw, metrics, cache } = setup();
    await raw.put("share:a", "A", { metadata: { v: 1 } });
    expect(await stack.getWithMetadata("share:a")).toEqual({ value: "A", metadata: { v: 1 } });
    expect(await stack.get("share:none")).toBeNull();
    expect(state.calls).toBe(2);
    const lines = logLines();
    clock += TTL_MS - 1;
    expect(await stack.getWithMetadata("share:a")).toEqual({ value: "A", metadata: { v: 1 } });
    expect(await stack.get("share:a")).toBe("A");
    expect(await stack.get("share:none")).toBeNull();
    expect(state.calls).toBe(2);
    expect(lines()).toEqual([
      { level: "info", op: "get", key: "share:a", outcome: "hit", ms: 0, backend: "memory" },
      { level: "info", op: "get", key: "share:a", outcome: "hit", ms: 0, backend: "memory" },
      {
        level: "info",
        op: "get",
        key: "share:none",
        outcome: "hit_negative",
        ms: 0,
        backend: "memory",
      },
    ]);
    expect(cache.hits).toBe(3);
    expect(metrics.reads).toBe(2);
    clock += 1;
    await raw.put("share:a", "A2");
    expect(await stack.get("share:a")).toBe("A2");
    expect(state.calls).toBe(3);
  });

  it("answers a stale copy when storage is down for a retryable reason, logged and counted", async () => {
    const { stack, state, metrics } = setup();
    await stack.put("share:a", "A", { metadata: { v: 2 } });
    await stack.delete("share:gone");
    clock += TTL_MS * 10;
    state.down = DOWN;
    const lines = logLines();
    const start = clock;
    // The failing call itself takes 40 ms on the clock.
    const slow = stack.getWithMetadata;
    const timed = async (key: string) => {
      const pending = slow(key);
      clock = start + 40;
      return pending;
    };
    expect(await timed("share:a")).toEqual({ value: "A", metadata: { v: 2 } });
    expect(await stack.get("share:gone")).toBeNull();
    const stale = lines().filter((l) => l.outcome === "stale");
    expect(stale[0]).toEqual({
      level: "info",
      op: "get",
      key: "share:a",
      outcome: "stale",
      ms: 40,
      backend: "memory",
      error: DOWN,
    });
    expect(stale[1]).toMatchObject({ key: "share:gone", outcome: "stale" });
    expect(metrics).toMatchObject({ fallbacks: 2, errors: 2 });
  });

  it("passes the error on when nothing is held, and for a caller error even when a copy is held", async () => {
    const { stack, state, metrics } = setup();
    await stack.put("share:a", "A");
    clock += TTL_MS * 10;
    state.down = DOWN;
    const unheld = await stack.get("share:other").catch((e: unknown) => e);
    expect(unheld).toBeInstanceOf(AppError);
    expect((unheld as AppError).code).toBe("storage_unavailable");
    state.down = "KV GET failed: 414 UTF-8 encoded length of 600 exceeds key length limit of 512.";
    await expect(stack.get("share:a")).rejects.toThrow(/414 UTF-8 encoded length/);
    expect(metrics.fallbacks).toBe(0);
  });
});

describe("writes keep the cache in step", () => {
  it("serves this isolate's own put, putOnce and delete without a read", async () => {
    const { stack, state } = setup();
    await stack.put("share:p", "P", { metadata: { m: "p" } });
    await stack.putOnce("share:o", "O");
    await stack.put("share:d", "D");
    await stack.delete("share:d");
    state.down = DOWN;
    expect(await stack.getWithMetadata("share:p")).toEqual({ value: "P", metadata: { m: "p" } });
    expect(await stack.getWithMetadata("share:o")).toEqual({ value: "O", metadata: null });
    expect(await stack.get("share:d")).toBeNull();
    expect(await stack.getMany(["share:p", "share:o", "share:d"])).toEqual(
      new Map([
        ["share:p", "P"],
        ["share:o", "O"],
        ["share:d", null],
      ]),
    );
    expect(state.calls).toBe(0);
  });

  it("keeps the cache as it was when a write fails", async () => {
    const { stack, state } = setup();
    await stack.put("share:k", "old");
    state.writesDown = "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.";
    await expect(stack.put("share:k", "new")).rejects.toThrow();
    await expect(stack.putOnce("share:k", "new")).rejects.toThrow();
    await expect(stack.delete("share:k")).rejects.toThrow();
    expect(await stack.get("share:k")).toBe("old");
  });
});

describe("bulk reads", () => {
  it("reads only the keys the cache does not hold, and keeps what single reads left", async () => {
    const { stack, state, raw, metrics } = setup();
    await raw.put("share:a", "A", { metadata: { v: "a" } });
    await raw.put("share:b", "B");
    await stack.getWithMetadata("share:a");
    const calls = state.calls;
    const lines = logLines();
    expect(await stack.getMany(["share:a", "share:b", "share:c"])).toEqual(
      new Map([
        ["share:a", "A"],
        ["share:b", "B"],
        ["share:c", null],
      ]),
    );
    expect(state.calls).toBe(calls + 1);
    expect(lines()).toEqual([
      {
        level: "info",
        op: "getMany",
        key: "share:b",
        outcome: "ok",
        ms: 0,
        backend: "memory",
        count: 2,
      },
    ]);
    // Held now: the miss and the value whose metadata a single read left; no call, no read counted.
    const reads = metrics.reads;
    await stack.getMany(["share:a", "share:c"]);
    expect(state.calls).toBe(calls + 1);
    expect(metrics.reads).toBe(reads);
    // A value whose metadata this isolate never read is not held: a delete or a get reading it
    // from the cache would take it for a record without metadata (no idempotency key, no ts).
    await stack.getMany(["share:b"]);
    expect(state.calls).toBe(calls + 2);
    expect(await stack.getWithMetadata("share:b")).toEqual({ value: "B", metadata: null });
    expect(state.calls).toBe(calls + 3);
    // Past the TTL a bulk re-read refreshes the value and keeps the metadata a single read left.
    clock += TTL_MS;
    await raw.put("share:a", "A2", { metadata: { v: "a" } });
    expect((await stack.getMany(["share:a"])).get("share:a")).toBe("A2");
    state.down = DOWN;
    expect(await stack.getWithMetadata("share:a")).toEqual({ value: "A2", metadata: { v: "a" } });
    expect(await stack.getWithMetadata("share:c")).toEqual({ value: null, metadata: null });
  });

  it("answers stale copies when storage is down and every missing key is held", async () => {
    const { stack, state, metrics } = setup();
    await stack.put("share:a", "A");
    await stack.put("share:b", "B");
    clock += TTL_MS;
    state.down = DOWN;
    const lines = logLines();
    expect(await stack.getMany(["share:a", "share:b"])).toEqual(
      new Map([
        ["share:a", "A"],
        ["share:b", "B"],
      ]),
    );
    expect(lines().find((l) => l.outcome === "stale")).toEqual({
      level: "info",
      op: "getMany",
      key: "share:a",
      outcome: "stale",
      ms: 0,
      backend: "memory",
      count: 2,
      error: "KV GET_BULK failed: 503 Service Unavailable",
    });
    expect(metrics.fallbacks).toBe(1);
    // One key nothing holds: the outage goes up.
    await expect(stack.getMany(["share:a", "share:new"])).rejects.toMatchObject({
      code: "storage_unavailable",
    });
    // A caller error is not an outage, whatever is held.
    state.down = "KV GET_BULK failed: 400 bad keys";
    await expect(stack.getMany(["share:a"])).rejects.toThrow(/400 bad keys/);
    expect(metrics.fallbacks).toBe(1);
  });

  it("passes more than 100 keys to storage, which refuses them, even when all are cached", async () => {
    const { stack, state } = setup();
    const keys = Array.from({ length: 101 }, (_, i) => `share:${i}`);
    for (const key of keys) await stack.put(key, "v");
    await expect(stack.getMany(keys)).rejects.toThrow(/maximum of 100 keys/);
    expect(state.calls).toBe(1);
    // Exactly 100 cached keys are answered while storage is down.
    state.down = DOWN;
    expect((await stack.getMany(keys.slice(0, 100))).size).toBe(100);
  });
});

describe("lists", () => {
  it("always go to storage", async () => {
    const { stack, raw } = setup();
    await stack.put("share:a", "A");
    await raw.put("share:b", "B");
    expect((await stack.list({ prefix: "share:" })).keys.map((k) => k.name)).toEqual([
      "share:a",
      "share:b",
    ]);
  });
});
