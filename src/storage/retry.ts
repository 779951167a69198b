/**
 * @module storage/retry
 * Tells KV failures (retryable: 429, 5xx, network, unknown errors) from KV refusing what the Worker
 * sent (a bug), and retries the retryable ones with exponential backoff and jitter, bounded in
 * attempts and in total sleep.
 */

const KV_STATUS = /^KV \w+ failed: (\d{3})/;

/** HTTP status inside a KV error message, if any. */
export function kvErrorStatus(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const match = KV_STATUS.exec(message);
  return match ? Number(match[1]) : undefined;
}

/**
 * True when KV refused what this Worker sent: a 4xx other than 429 (key too long, bad TTL, metadata
 * too large) or a TypeError (workerd validates key names and argument types). That is a bug here,
 * never an outage, and retrying cannot help.
 */
export function isCallerKvError(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name === "TypeError") return true;
  const status = kvErrorStatus(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/**
 * Every other failure of a KV call means storage failed and may recover: 429, 5xx, a dropped
 * connection, our timeout, and errors KV gives no status for (workerd's "internal error", a
 * store it cannot read). Those are retried for writes and answered 503, never 500.
 */
export function isRetryableKvError(error: unknown): boolean {
  return !isCallerKvError(error);
}

export class KvTimeoutError extends Error {
  constructor(op: string, ms: number) {
    super(`KV ${op} timed out after ${ms} ms`);
    this.name = "KvTimeoutError";
  }
}

export interface RetryPolicy {
  baseMs: number;
  maxAttempts: number;
  maxTotalMs: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn` until it succeeds, fails with a non-retryable error, or the attempt/total budget is spent.
 * `onRetry` is called before each sleep (for metrics and logs).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: unknown, attempt: number, delayMs: number) => void = () => {},
): Promise<T> {
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  let slept = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const spent = attempt >= policy.maxAttempts || slept >= policy.maxTotalMs;
      if (!isRetryableKvError(error) || spent) throw error;
      const ceiling = policy.baseMs * 2 ** (attempt - 1);
      // Jitter spreads retries of concurrent writers; each sleep is between half and all of the step.
      const delay = Math.min(
        Math.round(ceiling / 2 + (random() * ceiling) / 2),
        policy.maxTotalMs - slept,
      );
      onRetry(error, attempt, delay);
      slept += delay;
      await sleep(delay);
    }
  }
}

/** Reject with KvTimeoutError when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, op: string, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KvTimeoutError(op, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
