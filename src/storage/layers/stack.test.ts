import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../../clock.js";
import { captureLogLines, restoreLogsAndClock } from "../../testing/log-lines.js";
import { AppError } from "../../errors.js";
import { Metrics } from "../../metrics/metrics.js";
import { LruCache } from "../lru-cache.js";
import { createMemoryBackend } from "../memory.js";
import type { StorageBackend } from "../types.js";
import { StorageWriteError } from "../write-error.js";
import { layered } from "./stack.js";

/** A memory backend whose `method` fails with `message` the next `times` calls. */
function failing(method: keyof StorageBackend, message: string, times = Infinity) {
  const inner = createMemoryBackend();
  let left = times;
  const original = inner[method] as (...args: unknown[]) => Promise<unknown>;
  return Object.assign(inner, {
    [method]: (...args: unknown[]) =>
      left-- > 0 ? Promise.reject(new Error(message)) : original(...args),
  });
}

const stack = (backend: StorageBackend, metrics = new Metrics()) =>
  layered(backend, {
    metrics,
    cache: new LruCache(10, 1000),
    timeoutMs: 1000,
    retry: { baseMs: 1, maxAttempts: 3, maxTotalMs: 50 },
  });

afterEach(restoreLogsAndClock);

describe("layered()", () => {
  it("retries a write: one operation, a line per retry, and the retries counted", async () => {
    const metrics = new Metrics();
    const lines = captureLogLines();
    const b = stack(failing("put", "KV PUT failed: 429 Too Many Requests", 2), metrics);
    await b.put("k", "v");
    expect(await b.get("k")).toBe("v");
    expect(lines().map((l) => [l.op, l.outcome, l.attempt])).toEqual([
      ["put", "rate_limited", 1],
      ["put", "rate_limited", 2],
      ["put", "ok", undefined],
      ["get", "hit", undefined],
    ]);
    expect(metrics).toMatchObject({ writes: 1, retries: 2, errors: 2, reads: 0 });
  });

  it("serves a stale copy when the backend fails, and a 503 when nothing is held", async () => {
    const t0 = Date.now();
    setClock(() => t0);
    const metrics = new Metrics();
    const inner = createMemoryBackend();
    const b = stack(inner, metrics);
    await b.put("k", "v");
    setClock(() => t0 + 2000);
    inner.getWithMetadata = () =>
      Promise.reject(new Error("KV GET failed: 503 Service Unavailable"));
    expect(await b.get("k")).toBe("v");
    expect(metrics).toMatchObject({ reads: 1, errors: 1, fallbacks: 1 });
    const unheld = await b.get("other").catch((e: unknown) => e);
    expect(unheld).toBeInstanceOf(AppError);
    expect((unheld as AppError).code).toBe("storage_unavailable");
  });

  it("turns a write outage into StorageWriteError and leaves a caller error as it is", async () => {
    const down = stack(failing("put", "KV PUT failed: 503 Service Unavailable"));
    const error = await down.put("k", "v").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageWriteError);
    const refused = await stack(createMemoryBackend())
      .put("k", "v", { expirationTtl: 30 })
      .catch((e: unknown) => e);
    expect(refused).not.toBeInstanceOf(StorageWriteError);
    expect((refused as Error).message).toMatch(/400 Invalid expiration_ttl of 30/);
  });

  it("tries putOnce once, and the memory stack counts and logs like the KV one", async () => {
    const metrics = new Metrics();
    const once = stack(failing("putOnce", "KV PUT failed: 503 Service Unavailable", 1), metrics);
    await expect(once.putOnce("k", "v")).rejects.toBeInstanceOf(StorageWriteError);
    expect(metrics).toMatchObject({ writes: 1, retries: 0, errors: 1 });

    const lines = captureLogLines();
    const memory = layered(createMemoryBackend(), { metrics: new Metrics() });
    await memory.put("a", "1");
    await memory.get("a");
    await memory.get("b");
    expect(lines().map((l) => [l.op, l.outcome, l.backend])).toEqual([
      ["put", "ok", "memory"],
      ["get", "ok", "memory"],
      ["get", "miss", "memory"],
    ]);
  });
});
