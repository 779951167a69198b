/**
 * @module harness/node/request-gate
 * Keeps requests and runtime switches (restart, crash) apart. A restart waits, bounded, for the
 * requests in flight to finish; requests that arrive while the runtime is switching wait for it,
 * bounded too. A request the switch (or a dead runtime) cut off is reported as `RuntimeUnavailable`,
 * never as a raw transport error, so callers can answer 503 with `Retry-After`.
 */
import { ProjectError } from "../../lib/project-error.js";

/** Why a request got no answer from the Worker. */
export class RuntimeUnavailable extends ProjectError<"UNAVAILABLE"> {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super("UNAVAILABLE", message, options);
  }
}

export interface GateLimits {
  /** How long a graceful restart waits for requests in flight before it proceeds anyway. */
  drainMs: number;
  /** How long a request that arrives during a switch waits for the runtime to be back. */
  waitMs: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { drainMs: 10_000, waitMs: 60_000 };

/** Seconds a client should wait before retrying a request the runtime could not answer. */
export const RUNTIME_RETRY_AFTER_SECONDS = 1;

type SwitchKind = "restart" | "crash";

/** `promise`'s value, or "timeout" after `ms` (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class RequestGate {
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #switching: { kind: SwitchKind; done: Promise<void> } | undefined;
  #generation = 0;
  #lastKind: SwitchKind = "restart";

  constructor(readonly limits: GateLimits = DEFAULT_GATE_LIMITS) {}

  /** Requests currently running against the runtime. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Run one request. Waits for a switch in progress (at most `waitMs`); if the request then fails
   * because the runtime went away under it, rejects with `RuntimeUnavailable`. Errors the runtime
   * itself returned (e.g. the Worker threw) are passed through unchanged.
   */
  async run<T>(fn: () => Promise<T>, isTransportError: (error: unknown) => boolean): Promise<T> {
    // No await unless a switch is running: a request counts as in flight from the call on.
    if (this.#switching) await this.#waitForSwitch();
    const generation = this.#generation;
    this.#inFlight++;
    try {
      return await fn();
    } catch (error) {
      const cutOff = this.#switching !== undefined || generation !== this.#generation;
      if (cutOff || isTransportError(error)) {
        const why = cutOff
          ? `the Worker ${this.#lastKind === "crash" ? "crashed" : "restarted"} while answering`
          : "the Worker runtime is not answering";
        throw new RuntimeUnavailable(
          `${why}; the request may or may not have taken effect. Retry in ${RUNTIME_RETRY_AFTER_SECONDS} s (use an Idempotency-Key for POST /api/share)`,
          RUNTIME_RETRY_AFTER_SECONDS,
          { cause: error },
        );
      }
      throw error;
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /**
   * Switch the runtime. New requests wait until `fn` settles. A `restart` first lets the requests
   * in flight finish (at most `drainMs`); a `crash` cuts them off, as a real crash would.
   */
  async switch(kind: SwitchKind, fn: () => Promise<void>): Promise<void> {
    while (this.#switching) await this.#switching.done.catch(() => undefined);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.#switching = { kind, done };
    this.#lastKind = kind;
    try {
      if (kind === "restart" && this.#inFlight > 0) {
        await within(new Promise<void>((resolve) => this.#idle.push(resolve)), this.limits.drainMs);
      }
      this.#generation++;
      await fn();
    } finally {
      this.#switching = undefined;
      release();
    }
  }

  /** Wait while switches are in progress (several may follow each other), at most `waitMs` in all. */
  async #waitForSwitch(): Promise<void> {
    const deadline = Date.now() + this.limits.waitMs;
    for (let current = this.#switching; current; current = this.#switching) {
      const left = deadline - Date.now();
      const outcome = left <= 0 ? "timeout" : await within(current.done, left);
      if (outcome === "timeout") {
        const doing = current.kind === "crash" ? "recovering from a crash" : "restarting";
        throw new RuntimeUnavailable(
          `the Worker is still ${doing} after ${this.limits.waitMs} ms; retry in ${RUNTIME_RETRY_AFTER_SECONDS} s`,
          RUNTIME_RETRY_AFTER_SECONDS,
        );
      }
    }
  }
}

/** The error code of the harness's own 503 (the Worker never answered). */
export const WORKER_UNAVAILABLE = "worker_unavailable";

/** The answer for a request the runtime could not answer: 503, the API's error shape, Retry-After. */
export function unavailableResponse(error: RuntimeUnavailable): Response {
  return Response.json(
    { error: { code: WORKER_UNAVAILABLE, message: error.message } },
    { status: 503, headers: { "Retry-After": String(error.retryAfterSeconds) } },
  );
}
