import { describe, expect, it } from "vitest";
import { isRetryableKvError, kvErrorStatus, withRetry } from "./retry.js";

describe("KV error classification", () => {
  it("retries 429, 5xx, lost connections and failures KV gives no status for", () => {
    expect(isRetryableKvError(new Error("KV PUT failed: 429 Too Many Requests"))).toBe(true);
    expect(
      isRetryableKvError(new Error("KV GET failed: 503 Service Temporarily Unavailable")),
    ).toBe(true);
    expect(isRetryableKvError(new Error("Network connection lost."))).toBe(true);
    expect(
      isRetryableKvError(
        new Error("KV PUT failed: 413 Metadata length of 2000 exceeds limit of 1024."),
      ),
    ).toBe(false);
    expect(isRetryableKvError(new TypeError("Key name cannot be empty."))).toBe(false);
    expect(isRetryableKvError(new Error("KV PUT failed: 400 Invalid expiration_ttl of 30."))).toBe(
      false,
    );
    // A store workerd cannot read, or a record it cannot hand over: storage failed, not our call.
    expect(isRetryableKvError(new Error("internal error; reference = h6j9k0odk97"))).toBe(true);
    expect(isRetryableKvError(new RangeError("Maximum call stack size exceeded"))).toBe(true);
    expect(kvErrorStatus(new Error("KV GET_BULK failed: 500 Internal Server Error"))).toBe(500);
  });
});

describe("withRetry", () => {
  const sleeps: number[] = [];
  const policy = (maxAttempts: number, maxTotalMs = 10_000) => ({
    baseMs: 200,
    maxAttempts,
    maxTotalMs,
    random: () => 1,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  });

  it("backs off exponentially and stops after maxAttempts", async () => {
    sleeps.length = 0;
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(new Error("KV PUT failed: 429 Too Many Requests"));
    };
    await expect(withRetry(fail, policy(5))).rejects.toThrow(/429/);
    expect(calls).toBe(5);
    expect(sleeps).toEqual([200, 400, 800, 1600]);
  });

  it("never sleeps more than maxTotalMs in total", async () => {
    sleeps.length = 0;
    const fail = () => Promise.reject(new Error("Network connection lost."));
    await expect(withRetry(fail, policy(10, 1000))).rejects.toThrow();
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1000);
  });

  it("does not retry a caller error and returns the first success", async () => {
    let calls = 0;
    const bad = () => {
      calls++;
      return Promise.reject(new Error("KV PUT failed: 400 Invalid expiration_ttl of 30."));
    };
    await expect(withRetry(bad, policy(5))).rejects.toThrow(/400/);
    expect(calls).toBe(1);
    let n = 0;
    const flaky = () =>
      ++n < 3 ? Promise.reject(new Error("KV PUT failed: 500 x")) : Promise.resolve("ok");
    expect(await withRetry(flaky, policy(5))).toBe("ok");
  });
});
