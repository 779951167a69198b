/**
 * @module harness/workers/daily-limits
 * The free plan's daily KV operation counts (production profile, opt-in): reads, writes, deletes
 * and lists per UTC day on the virtual clock, across all isolates. Once a count is spent, that
 * kind of operation fails until 00:00 UTC with `429 Too Many Requests` (Cloudflare documents the
 * counts, not the error a binding then gets; this is the harness's choice).
 */
import { KvServiceError } from "./kv-call.js";

export interface DailyCounts {
  reads: number;
  writes: number;
  deletes: number;
  lists: number;
}

/** Cloudflare's free plan, per day. */
export const FREE_PLAN: DailyCounts = { reads: 100_000, writes: 1000, deletes: 1000, lists: 1000 };

const DAY_MS = 86_400_000;

export class DailyLimits {
  #day = -1;
  #used: DailyCounts = { reads: 0, writes: 0, deletes: 0, lists: 0 };

  constructor(readonly limits: DailyCounts) {}

  /** Spend `n` operations of `kind` at virtual time `now`, or throw once the day's count is out. */
  spend(kind: keyof DailyCounts, n: number, now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#used = { reads: 0, writes: 0, deletes: 0, lists: 0 };
    }
    if (this.#used[kind] + n > this.limits[kind]) {
      throw new KvServiceError(429, "Too Many Requests");
    }
    this.#used[kind] += n;
  }

  used(): DailyCounts {
    return { ...this.#used };
  }
}
