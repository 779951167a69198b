import { describe, expect, it } from "vitest";
import { describeRestart, type RestartView } from "./restart-report.js";

const before: RestartView = {
  keys: 12,
  keysComplete: true,
  rules: 2,
  clock: 1_000,
  cacheSize: 7,
  isolateStartedAt: "2026-11-25T20:00:00.000Z",
};

describe("describeRestart", () => {
  it("reports a normal restart: store, rules and clock kept, the Worker's memory gone", () => {
    const after = {
      ...before,
      clock: 2_000,
      cacheSize: 0,
      isolateStartedAt: "2026-11-25T20:01:00.000Z",
    };
    expect(describeRestart(before, after, 812)).toEqual({
      took: "812 ms",
      survived: ["12 KV keys", "2 fault rules", "the virtual clock"],
      lost: ["the Worker's in-memory cache (7 entries) and counters"],
    });
  });

  it("calls out lost keys and rules, and a list that hit its cap", () => {
    const after = { ...before, keys: 1000, keysComplete: false, rules: 0 };
    const report = describeRestart({ ...before, keys: 1000, keysComplete: false }, after, 1500);
    expect(report.took).toBe("1.50 s");
    expect(report.survived).toContain("1000+ KV keys");
    expect(report.lost).toContain("fault rules: 2 before, 0 after");
    expect(describeRestart(before, { ...after, keys: 3, keysComplete: true }, 1).lost).toContain(
      "KV keys: 12 KV keys before, 3 KV keys after",
    );
  });
});
