import { describe, expect, it } from "vitest";
import { MIX, planOps, planRestarts } from "./plan.js";

describe("planOps", () => {
  it("gives the same plan for the same seed and a different one for another seed", () => {
    const a = planOps({ ops: 200, isolates: 3, seed: 5 });
    expect(planOps({ ops: 200, isolates: 3, seed: 5 })).toEqual(a);
    expect(planOps({ ops: 200, isolates: 3, seed: 6 })).not.toEqual(a);
  });

  it("mixes creates, gets, lists and deletes over every isolate", () => {
    const plan = planOps({ ops: 2000, isolates: 3, seed: 1 });
    const share = (kind: string) => plan.filter((op) => op.kind === kind).length / plan.length;
    expect(share("create")).toBeCloseTo(MIX.create / 100, 1);
    expect(share("list")).toBeCloseTo(MIX.list / 100, 1);
    expect(share("delete")).toBeGreaterThan(0.05);
    expect(new Set(plan.map((op) => op.isolate))).toEqual(new Set([0, 1, 2]));
    for (const op of plan)
      if (op.kind === "create") expect(op.body.prompt.length).toBeGreaterThan(0);
  });

  it("plans seeded restarts", () => {
    expect(planRestarts(4, 5)).toEqual(planRestarts(4, 5));
    expect(planRestarts(4, 20).some((r) => r.crash)).toBe(true);
  });
});
