import { describe, expect, it } from "vitest";
import { iqr, median, percentile, ratio, summarize } from "./stats.js";

describe("median", () => {
  it("is the middle sample of an odd count and the mean of the two middle ones of an even count", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("ignores one huge outlier (why the report uses medians on noisy machines)", () => {
    expect(median([10, 11, 12, 10_000])).toBe(11.5);
  });

  it("is NaN for no samples instead of a misleading 0", () => {
    expect(median([])).toBeNaN();
  });
});

describe("percentile", () => {
  it("interpolates between ranks and hits the extremes at 0 and 100", () => {
    const samples = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile(samples, 100)).toBe(10);
    expect(percentile(samples, 95)).toBeCloseTo(9.55);
    expect(percentile([7], 95)).toBe(7);
  });

  it("does not reorder the caller's array", () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  it("rejects p outside 0..100", () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe("iqr and summarize", () => {
  it("gives the spread between p25 and p75", () => {
    expect(iqr([1, 2, 3, 4, 5])).toBe(2);
    const s = summarize([4, 2, 8, 6]);
    expect(s).toMatchObject({ n: 4, median: 5, iqr: 3, min: 2, max: 8 });
    expect(s.p95).toBeCloseTo(7.7);
  });
});

describe("ratio", () => {
  it("divides a by b", () => {
    expect(ratio(13, 10)).toBeCloseTo(1.3);
  });

  it("is NaN when the baseline is 0 or missing, never Infinity", () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});
