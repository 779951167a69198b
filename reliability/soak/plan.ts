/**
 * @module reliability/soak/plan
 * The seeded workload: which operation each step is, on which isolate, with which body. Targets of
 * gets and deletes are picked at run time from the shares acknowledged so far (`pick` in [0, 1)).
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";
import { createShareFactory } from "../../fixtures/factories/index.js";
import type { CreateShareInput } from "../../src/shares/create-schema.js";

export type AdminAuth = "valid" | "wrong" | "none";

export type PlannedOp =
  | { i: number; kind: "create"; isolate: number; body: CreateShareInput; key?: string }
  | { i: number; kind: "get"; isolate: number; pick: number; unknownId: boolean }
  | { i: number; kind: "list"; isolate: number; limit: number; pages: number }
  | { i: number; kind: "delete"; isolate: number; pick: number; auth: AdminAuth };

export type OpKind = PlannedOp["kind"];

/** Percent of each kind; the rest of 100 are deletes. */
export const MIX = { create: 35, get: 35, list: 20 } as const;

const RANGE = 2 ** 31 - 1;

function draws(rng: RandomGenerator) {
  return {
    int: (min: number, max: number) => unsafeUniformIntDistribution(min, max, rng),
    fraction: () => unsafeUniformIntDistribution(0, RANGE - 1, rng) / RANGE,
  };
}

/**
 * The same seed gives the same plan.
 * @example planOps({ ops: 10, isolates: 2, seed: 7 })[0].kind
 */
export function planOps(o: {
  ops: number;
  isolates: number;
  seed: number;
  keyed?: number;
}): PlannedOp[] {
  const r = draws(xoroshiro128plus(o.seed));
  const keys = draws(xoroshiro128plus(o.seed ^ 0x1de4));
  const factory = createShareFactory(o.seed);
  const plan: PlannedOp[] = [];
  for (let i = 0; i < o.ops; i++) {
    const roll = r.int(0, 99);
    const isolate = r.int(0, o.isolates - 1);
    if (roll < MIX.create) {
      const keyed = keys.fraction() < (o.keyed ?? 0);
      plan.push({
        i,
        kind: "create",
        isolate,
        body: factory.createBody(),
        ...(keyed ? { key: `soak-${o.seed}-${i}` } : {}),
      });
    } else if (roll < MIX.create + MIX.get) {
      plan.push({ i, kind: "get", isolate, pick: r.fraction(), unknownId: r.int(0, 19) === 0 });
    } else if (roll < MIX.create + MIX.get + MIX.list) {
      plan.push({ i, kind: "list", isolate, limit: r.int(1, 50), pages: r.int(1, 3) });
    } else {
      const auth = r.int(0, 19);
      plan.push({
        i,
        kind: "delete",
        isolate,
        pick: r.fraction(),
        auth: auth === 0 ? "none" : auth === 1 ? "wrong" : "valid",
      });
    }
  }
  return plan;
}

/**
 * Seeded per period: where in it (30..70 % of its ops) the runtime restarts or crashes while the
 * clients keep sending.
 */
export function planMidSwitches(seed: number, count: number): { crash: boolean; at: number }[] {
  const r = draws(xoroshiro128plus(seed ^ 0x3a1f));
  return Array.from({ length: count }, () => ({
    crash: r.int(0, 1) === 1,
    at: r.int(30, 70) / 100,
  }));
}

/** Seeded per restart: crash (SIGKILL) or clean restart, and how far to move the clock (0..90 s). */
export function planRestarts(seed: number, count: number): { crash: boolean; advanceMs: number }[] {
  const r = draws(xoroshiro128plus(seed ^ 0x5eed));
  return Array.from({ length: count }, () => ({
    crash: r.int(0, 1) === 1,
    advanceMs: r.int(0, 90) * 1000,
  }));
}
