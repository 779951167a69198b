/**
 * What the callers of the stack get when storage fails: a 503 `storage_unavailable` for every
 * read and list (with the message the client reads), `StorageWriteError` for every write, the
 * caller's own errors unchanged; and the timeout and retry layers' part in it, as the log lines
 * name it (the op that timed out, each retry of a write, no retry of a read or a putOnce).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { setClock } from "../../clock.js";
import { captureLogLines, restoreLogsAndClock } from "../../testing/log-lines.js";
import { AppError, notFound } from "../../errors.js";
import { Metrics } from "../../metrics/metrics.js";
import { createMemoryBackend } from "../memory.js";
import type { StorageBackend } from "../types.js";
import { StorageWriteError } from "../write-error.js";
import { layered } from "./stack.js";

type Method = keyof Omit<StorageBackend, "name">;
const METHODS: Method[] = ["get", "getWithMetadata", "getMany", "put", "putOnce", "delete", "list"];

/** Calls `method` of `b` with arguments it accepts. */
function call(b: StorageBackend, method: Method): Promise<unknown> {
  switch (method) {
    case "getMany":
      return b.getMany(["share:k"]);
    case "put":
    case "putOnce":
      return b[method]("share:k", "v");
    case "list":
      return b.list({ prefix: "share:" });
    default:
      return b[method]("share:k");
  }
}

/** A memory backend whose every method answers `answer()` instead, counting the calls. */
function replaced(answer: () => Promise<never>) {
  const calls: Partial<Record<Method, number>> = {};
  const backend = createMemoryBackend() as StorageBackend;
  for (const method of METHODS) {
    (backend as unknown as Record<Method, unknown>)[method] = () => {
      calls[method] = (calls[method] ?? 0) + 1;
      return answer();
    };
  }
  return { backend, calls };
}

afterEach(restoreLogsAndClock);

describe("outage errors", () => {
  it("answers every read and list of a failing store with 503 storage_unavailable, every write with StorageWriteError", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const cause = new Error("KV GET failed: 503 Service Unavailable");
    const { backend } = replaced(() => Promise.reject(cause));
    const b = layered(backend, { metrics: new Metrics() });
    for (const method of ["get", "getWithMetadata", "getMany", "list"] as const) {
      const error = await call(b, method).catch((e: unknown) => e);
      expect(error, method).toBeInstanceOf(AppError);
      expect(error, method).toMatchObject({
        status: 503,
        code: "storage_unavailable",
        message: "Storage is temporarily unavailable; try again shortly",
      });
    }
    for (const method of ["put", "putOnce", "delete"] as const) {
      const error = await call(b, method).catch((e: unknown) => e);
      expect(error, method).toBeInstanceOf(StorageWriteError);
      expect(error, method).toMatchObject({
        name: "StorageWriteError",
        message: cause.message,
        cause,
      });
    }
  });

  it("passes a caller error (KV's 4xx, a TypeError, an AppError) up unchanged from every method", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const errors = [
      new Error(
        "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
      ),
      new TypeError("Key name cannot be empty."),
      notFound("Share not found"),
    ];
    for (const thrown of errors) {
      const b = layered(replaced(() => Promise.reject(thrown)).backend, {
        metrics: new Metrics(),
      });
      for (const method of METHODS) {
        expect(await call(b, method).catch((e: unknown) => e), method).toBe(thrown);
      }
    }
  });
});

describe("timeouts", () => {
  it("fails a call that takes longer than the bound, naming KV's op in the log line", async () => {
    const lines = captureLogLines();
    const { backend } = replaced(() => new Promise<never>(() => {}));
    const b = layered(backend, { metrics: new Metrics(), timeoutMs: 5 });
    for (const method of METHODS) await call(b, method).catch(() => undefined);
    expect(lines().map((l) => [l.op, l.outcome, l.error])).toEqual([
      ["get", "error", "KV GET timed out after 5 ms"],
      ["get", "error", "KV GET timed out after 5 ms"],
      ["getMany", "error", "KV GET_BULK timed out after 5 ms"],
      ["put", "error", "KV PUT timed out after 5 ms"],
      ["put", "error", "KV PUT timed out after 5 ms"],
      ["delete", "error", "KV DELETE timed out after 5 ms"],
      ["list", "error", "KV LIST timed out after 5 ms"],
    ]);
  });
});

describe("retries", () => {
  it("retries put and delete with a line per retry (attempt, time since the first try), and no read or putOnce", async () => {
    let clock = 7_000_000;
    setClock(() => clock);
    const lines = captureLogLines();
    const { backend, calls } = replaced(() => {
      clock += 9;
      return Promise.reject(new Error("KV PUT failed: 500 Internal Server Error"));
    });
    const metrics = new Metrics();
    const b = layered(backend, {
      metrics,
      retry: { baseMs: 1, maxAttempts: 3, maxTotalMs: 100 },
    });
    for (const method of METHODS) await call(b, method).catch(() => undefined);
    expect(calls).toEqual({
      get: 1,
      getWithMetadata: 1,
      getMany: 1,
      put: 3,
      putOnce: 1,
      delete: 3,
      list: 1,
    });
    const retries = lines().filter((l) => l.outcome === "retry");
    expect(retries).toEqual(
      (["put", "delete"] as const).flatMap((op) =>
        [1, 2].map((attempt) => ({
          level: "info",
          op,
          key: "share:k",
          outcome: "retry",
          ms: 9 * attempt,
          backend: "memory",
          attempt,
          error: `KV ${op === "put" ? "PUT" : "DELETE"} failed: 500 Internal Server Error`,
        })),
      ),
    );
    expect(metrics).toMatchObject({ retries: 4, errors: 4 + 7 });
  });
});
