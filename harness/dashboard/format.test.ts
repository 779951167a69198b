import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatMs, formatPercent, timeLeft } from "./format.js";

const NOW = Date.parse("2026-11-25T20:00:00Z");

describe("timeLeft", () => {
  it("counts down a 30-day share expiration on the virtual clock", () => {
    const expiration = (NOW + 30 * 24 * 3600_000) / 1000;
    expect(timeLeft(expiration, NOW).text).toBe("30 d");
    expect(timeLeft(expiration, NOW + 3600_000 + 5 * 60_000).text).toBe("29 d 22 h");
    expect(timeLeft(expiration, NOW + 30 * 24 * 3600_000 - 90_000)).toEqual({
      expired: false,
      text: "1 min 30 s",
      ms: 90_000,
    });
  });

  it("says expired once the clock passes the expiration, and never for keys without one", () => {
    const expiration = NOW / 1000 + 60;
    expect(timeLeft(expiration, NOW + 60_000)).toMatchObject({ expired: true, text: "expired" });
    expect(timeLeft(undefined, NOW)).toMatchObject({ expired: false, text: "never expires" });
  });
});

describe("formatDuration", () => {
  it("shows the two largest units and skips a zero second unit", () => {
    expect(formatDuration(4 * 3600_000 + 12 * 60_000 + 5_000)).toBe("4 h 12 min");
    expect(formatDuration(2 * 24 * 3600_000 + 30_000)).toBe("2 d");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(0)).toBe("0 s");
  });
});

describe("formatDateTime, formatMs and formatPercent", () => {
  it("formats the virtual clock in UTC, latencies and rates for humans", () => {
    expect(formatDateTime(NOW + 12_345)).toBe("2026-11-25 20:00:12 UTC");
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(1250)).toBe("1.25 s");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(0.032)).toBe("3.2 %");
    expect(formatPercent(0.2)).toBe("20 %");
  });
});
