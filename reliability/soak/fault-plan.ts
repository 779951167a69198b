/**
 * @module reliability/soak/fault-plan
 * The soak's fault rules: a seeded mix of KV errors (429/500/503), dropped connections, hangs and
 * latency on every op, tuned so that together they fire on `rate` of all KV operations; plus the
 * "writes down" outage that makes creates fall back (or fail) and leaves shares pending.
 */
import type { FaultRule } from "../../harness/types.js";

/** Share of fired faults per kind (sums to 1). Latency slows an op without failing it. */
export const FAULT_MIX: { share: number; rule: Omit<FaultRule, "op" | "probability" | "seed"> }[] =
  [
    { share: 0.3, rule: { id: "soak-503", kind: "error", status: 503 } },
    { share: 0.2, rule: { id: "soak-500", kind: "error", status: 500 } },
    { share: 0.15, rule: { id: "soak-429", kind: "error", status: 429 } },
    { share: 0.15, rule: { id: "soak-network", kind: "network" } },
    { share: 0.05, rule: { id: "soak-hang", kind: "hang", ms: 20 } },
    { share: 0.15, rule: { id: "soak-latency", kind: "latency", ms: 2, jitterMs: 15 } },
  ];

/**
 * Rules are tried in order and the first that fires wins, so rule k gets the conditional
 * probability share_k·rate / (1 − rate·Σ_{j<k} share_j): overall exactly `rate`, split by FAULT_MIX.
 */
export function backgroundFaults(rate: number, seed: number): FaultRule[] {
  if (rate <= 0) return [];
  let before = 0;
  return FAULT_MIX.map(({ share, rule }, k) => {
    const probability = Math.min(1, (share * rate) / (1 - rate * before));
    before += share;
    return { ...rule, op: "any", probability, seed: seed * 16 + k };
  });
}

/** Every KV write and delete fails with 503: creates exhaust their retries. */
export function writesDown(): FaultRule[] {
  return [
    { id: "outage-put", op: "put", kind: "error", status: 503 },
    { id: "outage-delete", op: "delete", kind: "error", status: 503 },
  ];
}
