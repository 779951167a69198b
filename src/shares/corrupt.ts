/**
 * @module shares/corrupt
 * This isolate's account of corrupt records: each one is logged once (`corrupt_record`), counted
 * in monitoring, and skipped by the list and the share count until it is read back valid or deleted.
 */
import { logEvent } from "../log.js";
import type { IsolateState } from "../state.js";

/** Keys remembered at most; past this the count stops growing (and says so in monitoring). */
export const MAX_CORRUPT_KEYS = 10_000;

export interface CorruptRecord {
  reason: string;
  /** Its metadata is ours, so the share count (taken from metadata) included it. */
  counted: boolean;
}

/** Remember `key` as corrupt; the first time, log one line. */
export function noteCorrupt(
  state: IsolateState,
  key: string,
  reason: string,
  counted: boolean,
): void {
  const known = state.corruptKeys.get(key);
  if (known) {
    known.counted ||= counted;
    return;
  }
  if (state.corruptKeys.size >= MAX_CORRUPT_KEYS) return;
  state.corruptKeys.set(key, { reason, counted });
  logEvent("corrupt_record", { key: key.slice(0, 600), reason });
}

/** `key` read back valid, or was deleted: it is no longer corrupt. */
export function clearCorrupt(state: IsolateState, key: string): void {
  state.corruptKeys.delete(key);
}

/** Corrupt keys whose metadata counted them as shares. */
export function countedCorrupt(state: IsolateState): number {
  let n = 0;
  for (const record of state.corruptKeys.values()) if (record.counted) n++;
  return n;
}
