/**
 * @module harness/dashboard/restart-report
 * What a restart kept and what it lost, from what the page saw before and after it.
 */
import { formatMs } from "./format.js";

/** @param {import("./restart-report.js").RestartView} view */
function keysText(view) {
  return `${view.keys}${view.keysComplete ? "" : "+"} KV key${view.keys === 1 ? "" : "s"}`;
}

/**
 * @param before `{ keys, keysComplete, rules, clock, cacheSize, isolateStartedAt }` seen before
 * @param after the same, seen after the restart answered
 * @param ms how long the restart took
 * @example describeRestart(before, after, 812).survived // ["12 KV keys", "2 fault rules", ...]
 * @type {typeof import("./restart-report.js").describeRestart}
 */
export function describeRestart(before, after, ms) {
  const survived = [];
  const lost = [];
  if (after.keys === before.keys) survived.push(keysText(after));
  else lost.push(`KV keys: ${keysText(before)} before, ${keysText(after)} after`);
  if (after.rules === before.rules) {
    survived.push(`${after.rules} fault rule${after.rules === 1 ? "" : "s"}`);
  } else {
    lost.push(`fault rules: ${before.rules} before, ${after.rules} after`);
  }
  if (after.clock >= before.clock) survived.push("the virtual clock");
  else lost.push("the virtual clock went back");
  if (before.cacheSize !== undefined && after.cacheSize !== undefined) {
    if (after.isolateStartedAt !== before.isolateStartedAt || after.cacheSize < before.cacheSize) {
      lost.push(
        `the Worker's in-memory cache (${before.cacheSize} entr${before.cacheSize === 1 ? "y" : "ies"}) and counters`,
      );
    } else {
      survived.push("the Worker's in-memory cache");
    }
  }
  return { took: formatMs(ms), survived, lost };
}
