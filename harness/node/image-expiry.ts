/**
 * @module harness/node/image-expiry
 * A bucket's lifecycle rules (a plugin's `r2Lifecycle`) on the virtual clock. Miniflare's R2 has no
 * lifecycle rules, and it stamps `uploaded` with real time; the clock's history (persist.ts) turns
 * that into the virtual time of the upload. An object under the rule's prefix whose virtual age has
 * reached the rule's days is deleted, as R2 would (R2 itself may take up to a day longer).
 */
import type { ClockChange } from "./persist.js";
import type { ExpiryRule } from "./plugin.js";

const DAY_MS = 86_400_000;

/** An R2 object as the sweep sees it: key and real upload time (ms). */
export interface StoredObject {
  key: string;
  uploaded: number;
}

export type { ExpiryRule } from "./plugin.js";

/** The virtual time of a real instant: real time plus the offset in effect then (0 before any). */
export function virtualAt(realMs: number, history: readonly ClockChange[]): number {
  let offset = 0;
  for (const change of history) {
    if (change.fromMs > realMs) break;
    offset = change.offsetMs;
  }
  return realMs + offset;
}

/** Keys the rule has expired at virtual time `now`. */
export function expiredKeys(
  objects: readonly StoredObject[],
  history: readonly ClockChange[],
  now: number,
  rule: ExpiryRule,
): string[] {
  const maxAgeMs = rule.expireDays * DAY_MS;
  return objects
    .filter((o) => o.key.startsWith(rule.prefix))
    .filter((o) => now - virtualAt(o.uploaded, history) >= maxAgeMs)
    .map((o) => o.key);
}
