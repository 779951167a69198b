/**
 * @module harness/workers/write-limit
 * Production's same-key write limit: at most `1 + burst` accepted writes to one key within any
 * window of `windowMs` (documented: 1 per second, `burst` 0). A write takes its slot
 * synchronously when it arrives, before anything is awaited, so concurrent writers from any
 * isolate cannot all pass the check.
 */

export interface WriteLimitOptions {
  /** Extra writes to one key accepted within one window (reported in production: bursts pass). */
  burst: number;
  windowMs: number;
}

export class WriteLimit {
  readonly #accepted = new Map<string, number[]>();
  #sweepAt = 0;

  constructor(readonly options: WriteLimitOptions) {}

  /** Take a slot for a write to `key` at virtual time `now`; false when the limit is reached. */
  tryAcquire(key: string, now: number): boolean {
    const since = now - this.options.windowMs;
    const times = (this.#accepted.get(key) ?? []).filter((t) => t > since);
    if (times.length >= 1 + this.options.burst) {
      this.#accepted.set(key, times);
      return false;
    }
    times.push(now);
    this.#accepted.set(key, times);
    this.#sweep(now);
    return true;
  }

  /** Give back a slot whose write never reached the store. */
  release(key: string, at: number): void {
    const times = this.#accepted.get(key);
    const i = times?.lastIndexOf(at) ?? -1;
    if (times && i >= 0) times.splice(i, 1);
  }

  clear(): void {
    this.#accepted.clear();
  }

  /** Forget keys whose window has passed, now and then, so the map stays small. */
  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + 10 * this.options.windowMs;
    for (const [key, times] of this.#accepted) {
      if (times.every((t) => t <= now - this.options.windowMs)) this.#accepted.delete(key);
    }
  }
}
