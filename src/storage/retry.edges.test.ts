/**
 * The retry rules at their edges: which statuses are KV refusing the Worker's call, the backoff's
 * lower bound, the attempt the total sleep budget stops at, and the timeout's error and timer.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { isRetryableKvError, kvErrorStatus, withRetry, withTimeout } from "./retry.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("KV error classification at the edges", () => {
  it("treats 400 to 499 but 429 as the caller's error, and 3xx, 5xx and other texts as outages", () => {
    const caller = [400, 404, 413, 414, 499];
    const outage = [399, 429, 500, 502, 599];
    for (const status of caller) {
      expect(isRetryableKvError(new Error(`KV PUT failed: ${status} x`)), `${status}`).toBe(false);
    }
    for (const status of outage) {
      expect(isRetryableKvError(new Error(`KV PUT failed: ${status} x`)), `${status}`).toBe(true);
    }
    // The status is KV's only at the start of KV's own text, and any op's name counts.
    expect(isRetryableKvError(new Error("upstream said: KV PUT failed: 400 x"))).toBe(true);
    expect(isRetryableKvError(new Error("KV GET_BULK failed: 400 x"))).toBe(false);
    expect(kvErrorStatus(new Error("KV LIST failed: 4000"))).toBe(400);
    expect(kvErrorStatus(new Error("KV GET failed: 40 Bad"))).toBeUndefined();
    expect(kvErrorStatus(new Error("KV GET failed: abc"))).toBeUndefined();
    // Thrown non-errors: a string is read as its text, anything else is an outage.
    expect(kvErrorStatus("KV DELETE failed: 414 too long")).toBe(414);
    expect(isRetryableKvError("KV DELETE failed: 414 too long")).toBe(false);
    expect(isRetryableKvError(null)).toBe(true);
    expect(isRetryableKvError(undefined)).toBe(true);
    expect(isRetryableKvError({ name: "TypeError" })).toBe(false);
  });
});

describe("withRetry at the edges", () => {
  const failing = () => {
    const calls: number[] = [];
    const fn = (attempt: number) => {
      calls.push(attempt);
      return Promise.reject(new Error("KV PUT failed: 503 Service Unavailable"));
    };
    return { fn, calls };
  };

  it("sleeps at least half of each step, and reports each retry before sleeping", async () => {
    const sleeps: number[] = [];
    const retries: [number, number][] = [];
    const { fn, calls } = failing();
    await expect(
      withRetry(
        fn,
        {
          baseMs: 100,
          maxAttempts: 4,
          maxTotalMs: 10_000,
          random: () => 0,
          sleep: async (ms) => void sleeps.push(ms),
        },
        (_e, attempt, delay) => retries.push([attempt, delay]),
      ),
    ).rejects.toThrow(/503/);
    expect(calls).toEqual([1, 2, 3, 4]);
    expect(sleeps).toEqual([50, 100, 200]);
    expect(retries).toEqual([
      [1, 50],
      [2, 100],
      [3, 200],
    ]);
  });

  it("stops at the attempt whose sleep would pass the total budget, its last sleep cut to fit", async () => {
    const sleeps: number[] = [];
    const { fn, calls } = failing();
    await expect(
      withRetry(fn, {
        baseMs: 200,
        maxAttempts: 10,
        maxTotalMs: 300,
        random: () => 1,
        sleep: async (ms) => void sleeps.push(ms),
      }),
    ).rejects.toThrow(/503/);
    expect(sleeps).toEqual([200, 100]);
    expect(calls).toEqual([1, 2, 3]);
  });

  it("retries at once with a zero base and really sleeps with the default sleep", async () => {
    const { fn, calls } = failing();
    await expect(withRetry(fn, { baseMs: 0, maxAttempts: 3, maxTotalMs: 100 })).rejects.toThrow();
    expect(calls).toEqual([1, 2, 3]);
    vi.useFakeTimers();
    const second = failing();
    const run = withRetry(second.fn, { baseMs: 1000, maxAttempts: 2, maxTotalMs: 5000 });
    const settled = run.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(499);
    expect(second.calls).toEqual([1]);
    await vi.advanceTimersByTimeAsync(501);
    expect(await settled).toBeInstanceOf(Error);
    expect(second.calls).toEqual([1, 2]);
  });
});

describe("withTimeout", () => {
  it("rejects with KvTimeoutError naming the op, and leaves no timer behind either way", async () => {
    vi.useFakeTimers();
    const slow = withTimeout(new Promise(() => {}), "GET_BULK", 250).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(250);
    expect(await slow).toMatchObject({
      name: "KvTimeoutError",
      message: "KV GET_BULK timed out after 250 ms",
    });
    expect(await withTimeout(Promise.resolve("v"), "GET", 250)).toBe("v");
    await expect(withTimeout(Promise.reject(new Error("boom")), "PUT", 250)).rejects.toThrow(
      "boom",
    );
    expect(vi.getTimerCount()).toBe(0);
  });
});
