import { xoroshiro128plus, unsafeUniformIntDistribution } from "pure-rand";
import { describe, expect, it } from "vitest";
import { backgroundFaults, FAULT_MIX } from "./fault-plan.js";

/** Replays the harness's "first firing rule wins" decision with independent draws. */
function fireRate(rate: number, trials: number): { total: number; byId: Record<string, number> } {
  const rules = backgroundFaults(rate, 3);
  const rng = xoroshiro128plus(99);
  const byId: Record<string, number> = {};
  let total = 0;
  for (let t = 0; t < trials; t++) {
    for (const rule of rules) {
      if (unsafeUniformIntDistribution(0, 999_999, rng) / 1e6 < rule.probability!) {
        byId[rule.id!] = (byId[rule.id!] ?? 0) + 1;
        total++;
        break;
      }
    }
  }
  return { total: total / trials, byId };
}

describe("backgroundFaults", () => {
  it("fires on the requested share of KV operations, split by the mix", () => {
    const { total, byId } = fireRate(0.2, 200_000);
    expect(total).toBeGreaterThan(0.19);
    expect(total).toBeLessThan(0.21);
    const s503 = byId["soak-503"]! / 200_000;
    expect(s503).toBeGreaterThan(0.3 * 0.2 * 0.9);
    expect(s503).toBeLessThan(0.3 * 0.2 * 1.1);
  });

  it("hits every KV op, is seeded per rule, and is empty at rate 0", () => {
    const rules = backgroundFaults(0.5, 1);
    expect(rules).toHaveLength(FAULT_MIX.length);
    expect(rules.every((r) => r.op === "any" && r.probability! <= 1)).toBe(true);
    expect(new Set(rules.map((r) => r.seed)).size).toBe(rules.length);
    expect(backgroundFaults(0, 1)).toEqual([]);
  });
});
