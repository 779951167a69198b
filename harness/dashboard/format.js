/**
 * @module harness/dashboard/format
 * Text for times, durations and rates as the dashboard shows them. Pure: no DOM, no clock.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * `2026-11-25 20:40:12 UTC`: UTC so the virtual clock reads the same on every machine.
 * @type {typeof import("./format.js").formatDateTime}
 */
export function formatDateTime(ms) {
  if (!Number.isFinite(ms)) return "–";
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC");
}

/**
 * The two largest units, e.g. `29 d 23 h`, `4 h 12 min`, `3 min 20 s`, `12 s`.
 * @type {typeof import("./format.js").formatDuration}
 */
export function formatDuration(ms) {
  const abs = Math.max(0, Math.floor(ms));
  /** @type {[number, string][]} */
  const parts = [
    [Math.floor(abs / DAY), "d"],
    [Math.floor((abs % DAY) / HOUR), "h"],
    [Math.floor((abs % HOUR) / MINUTE), "min"],
    [Math.floor((abs % MINUTE) / SECOND), "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0 s";
  return parts
    .slice(first, first + 2)
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(" ");
}

/**
 * Time left before a KV expiration (seconds since the epoch, as KV reports it) at virtual `nowMs`.
 * @example timeLeft(1_800_000_000, 1_800_000_000_000 - 90_000) // { expired: false, text: "1 min 30 s", ms: 90000 }
 * @type {typeof import("./format.js").timeLeft}
 */
export function timeLeft(expirationSeconds, nowMs) {
  if (expirationSeconds === undefined || expirationSeconds === null) {
    return { expired: false, text: "never expires", ms: Infinity };
  }
  const ms = expirationSeconds * 1000 - nowMs;
  if (ms <= 0) return { expired: true, text: "expired", ms };
  return { expired: false, text: formatDuration(ms), ms };
}

/**
 * `12 ms`, `1.25 s`.
 * @type {typeof import("./format.js").formatMs}
 */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A 0..1 rate as `3.2 %`; `0 %` without decimals.
 * @type {typeof import("./format.js").formatPercent}
 */
export function formatPercent(rate) {
  if (!Number.isFinite(rate)) return "–";
  const pct = rate * 100;
  if (pct === 0) return "0 %";
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)} %`;
}
