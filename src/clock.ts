/**
 * @module clock
 * The Worker's only source of the current time. Production reads `Date.now()`; the harness
 * substitutes a virtual clock with `setClock()` so caches and expiry can be moved forward in tests.
 */

type ClockSource = () => number;

let source: ClockSource = () => Date.now();

/** Current time in milliseconds since the epoch. */
export function now(): number {
  return source();
}

/**
 * Replace the clock source (harness only; never called by the deployed Worker).
 * @example setClock(() => Date.now() + offsetMs)
 */
export function setClock(next: ClockSource): void {
  source = next;
}
