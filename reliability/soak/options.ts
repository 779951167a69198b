/**
 * @module reliability/soak/options
 * The soak's knobs, their defaults and bounds. A soak is bounded in ops, clients and time.
 */
import { ReliabilityError } from "../errors.js";

export type WriteFallback = "reject" | "memory";

export interface SoakOptions {
  /** Client operations in total (a multi-page list counts once). */
  ops: number;
  /** Concurrent clients. */
  clients: number;
  /** Probability that a fault rule fires on any one KV operation, 0..1. */
  faultRate: number;
  /** Restart (or crash) the runtime after every N ops; 0 never. */
  restartEvery: number;
  seed: number;
  /** The Worker's KV_WRITE_FALLBACK. */
  fallback: WriteFallback;
  /** Worker isolates (locations) on one KV namespace. */
  isolates: number;
  /** Fraction at the end of every restart period during which KV writes and deletes all fail. */
  outage: number;
  /** Virtual time advanced after faults stop: past the Worker cache (300 s) and edge caches (60 s). */
  settleMs: number;
  /** Give up (and fail) after this many seconds of wall time. */
  maxSeconds: number;
  /** The Worker's KV_RETRY_BASE_MS: short, so the soak spends its time on ops, not on backoff. */
  retryBaseMs: number;
  /** Fraction of creates sent with an Idempotency-Key, whose client retries until answered. */
  keyed: number;
  /** Attempts a keyed client makes at most (503, 409 or no answer: try again). */
  attempts: number;
  /** Also restart or crash the runtime once in the middle of every period, under traffic. */
  midSwitch: boolean;
}

export const SOAK_DEFAULTS: SoakOptions = {
  ops: 5000,
  clients: 50,
  faultRate: 0.2,
  restartEvery: 500,
  seed: 1,
  fallback: "reject",
  isolates: 3,
  outage: 0.1,
  settleMs: 6 * 60_000,
  maxSeconds: 900,
  retryBaseMs: 10,
  keyed: 0.5,
  attempts: 6,
  midSwitch: true,
};

export const SOAK_LIMITS = {
  ops: [1, 1_000_000],
  clients: [1, 500],
  isolates: [1, 16],
  maxSeconds: [1, 24 * 3600],
} as const;

function inRange(name: string, value: number, min: number, max: number, integer = true): void {
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ReliabilityError(
      "BAD_OPTION",
      `--${name} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got ${value}`,
    );
  }
}

/** Defaults filled in and every bound checked; throws ReliabilityError("BAD_OPTION"). */
export function resolveSoakOptions(partial: Partial<SoakOptions> = {}): SoakOptions {
  const o = { ...SOAK_DEFAULTS, ...partial };
  inRange("ops", o.ops, ...SOAK_LIMITS.ops);
  inRange("clients", o.clients, ...SOAK_LIMITS.clients);
  inRange("isolates", o.isolates, ...SOAK_LIMITS.isolates);
  inRange("max-seconds", o.maxSeconds, ...SOAK_LIMITS.maxSeconds);
  inRange("fault-rate", o.faultRate, 0, 0.9, false);
  inRange("outage", o.outage, 0, 0.9, false);
  inRange("restart-every", o.restartEvery, 0, o.ops);
  inRange("seed", o.seed, 0, 2 ** 31 - 1);
  inRange("settle-ms", o.settleMs, 0, 30 * 24 * 3600 * 1000);
  inRange("retry-base-ms", o.retryBaseMs, 0, 2000);
  inRange("keyed", o.keyed, 0, 1, false);
  inRange("attempts", o.attempts, 1, 50);
  if (o.fallback !== "reject" && o.fallback !== "memory") {
    throw new ReliabilityError(
      "BAD_OPTION",
      `--fallback must be reject or memory, got ${o.fallback}`,
    );
  }
  return o;
}

/** The command line that reproduces a run. */
export function reproduceCommand(o: SoakOptions): string {
  return (
    `npm run soak -- --ops ${o.ops} --clients ${o.clients} --fault-rate ${o.faultRate} ` +
    `--restart-every ${o.restartEvery} --seed ${o.seed} --fallback ${o.fallback} ` +
    `--isolates ${o.isolates} --outage ${o.outage}` +
    (o.settleMs !== SOAK_DEFAULTS.settleMs ? ` --settle-ms ${o.settleMs}` : "") +
    (o.retryBaseMs !== SOAK_DEFAULTS.retryBaseMs ? ` --retry-base-ms ${o.retryBaseMs}` : "") +
    (o.keyed !== SOAK_DEFAULTS.keyed ? ` --keyed ${o.keyed}` : "") +
    (o.attempts !== SOAK_DEFAULTS.attempts ? ` --attempts ${o.attempts}` : "") +
    (o.midSwitch ? "" : " --no-mid-switch")
  );
}
