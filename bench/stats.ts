/**
 * @module bench/stats
 * Robust summaries of noisy samples: median, percentiles, IQR and the ratio of two medians.
 */

/** Linear-interpolated percentile (p in 0..100) of `samples`; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be 0..100, got ${p}`);
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Interquartile range (p75 - p25): the spread that one outlier cannot move. */
export function iqr(samples: readonly number[]): number {
  return percentile(samples, 75) - percentile(samples, 25);
}

/** `a / b`, or NaN when `b` is 0 or either side is not a number (shown as "n/a"). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  iqr: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: median(samples),
    p95: percentile(samples, 95),
    iqr: iqr(samples),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}
