import { describe, expect, it } from "vitest";
import type { FaultRule } from "../types.js";
import { FaultTable, type OpContext } from "./faults.js";

const op = (o: Partial<OpContext> = {}): OpContext => ({
  service: "kv",
  op: "get",
  key: "share:1",
  isolate: 0,
  binding: "SHARE_DATA_KV",
  ...o,
});

function fires(rules: FaultRule[], ops: OpContext[], seed = 0): boolean[] {
  const table = new FaultTable(seed);
  table.set(rules);
  return ops.map((o) => table.decide(o) !== undefined);
}

describe("FaultTable", () => {
  it("matches op, prefix and isolate, and nothing else", () => {
    const rule: FaultRule = { op: "put", prefix: "share:", isolate: 1, kind: "network" };
    expect(
      fires(
        [rule],
        [
          op({ op: "put", isolate: 1 }),
          op({ op: "get", isolate: 1 }),
          op({ op: "put", isolate: 0 }),
          op({ op: "put", isolate: 1, key: "index" }),
        ],
      ),
    ).toEqual([true, false, false, false]);
  });

  it("a rule acts on its own service: KV by default, R2 only when it says so", () => {
    const kv = op({ op: "get" });
    const r2 = op({ service: "r2", op: "get", binding: "IMAGES", key: "images/1" });
    expect(fires([{ op: "any", kind: "network" }], [kv, r2])).toEqual([true, false]);
    expect(fires([{ service: "r2", op: "any", kind: "network" }], [kv, r2])).toEqual([false, true]);
    expect(fires([{ service: "r2", op: "get", prefix: "images/", kind: "network" }], [r2])).toEqual(
      [true],
    );
  });

  it("a binding rule fires on that namespace only; a rule without one on every namespace", () => {
    const ops = [op({ binding: "CACHE" }), op({ binding: "SESSIONS" })];
    expect(fires([{ op: "get", binding: "CACHE", kind: "network" }], ops)).toEqual([true, false]);
    expect(fires([{ op: "get", kind: "network" }], ops)).toEqual([true, true]);
  });

  it("a prefix rule matches a bulk get when any of its keys has the prefix", () => {
    const rule: FaultRule = { op: "get", prefix: "share:", kind: "network" };
    expect(
      fires(
        [rule],
        [
          op({ key: "index", keys: ["index", "share:2"] }),
          op({ key: "index", keys: ["index", "other"] }),
        ],
      ),
    ).toEqual([true, false]);
  });

  it("op any matches every operation", () => {
    const all = (["get", "getWithMetadata", "put", "delete", "list"] as const).map((o) =>
      op({ op: o }),
    );
    expect(fires([{ op: "any", kind: "network" }], all)).toEqual([true, true, true, true, true]);
  });

  it("first: n fires on the first n matching ops only", () => {
    const ops = [op(), op({ op: "put" }), op(), op(), op()];
    expect(fires([{ op: "get", kind: "network", first: 2 }], ops)).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it("after: n fires on every matching op after the first n", () => {
    expect(fires([{ op: "get", kind: "network", after: 2 }], [op(), op(), op(), op()])).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it("probability is deterministic for a seed and roughly honoured", () => {
    const ops = Array.from({ length: 400 }, () => op());
    const rule: FaultRule = { op: "get", kind: "network", probability: 0.25, seed: 7 };
    const a = fires([rule], ops);
    expect(fires([rule], ops)).toEqual(a);
    expect(fires([{ ...rule, seed: 8 }], ops)).not.toEqual(a);
    const rate = a.filter(Boolean).length / ops.length;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.35);
  });

  it("rules without a seed use the table's seed", () => {
    const ops = Array.from({ length: 50 }, () => op());
    const rule: FaultRule = { op: "get", kind: "network", probability: 0.5 };
    expect(fires([rule], ops, 3)).toEqual(fires([{ ...rule, seed: 3 }], ops));
  });

  it("probability 0 never fires and 1 always fires", () => {
    const ops = Array.from({ length: 20 }, () => op());
    expect(fires([{ op: "get", kind: "network", probability: 0 }], ops).some(Boolean)).toBe(false);
    expect(fires([{ op: "get", kind: "network", probability: 1 }], ops).every(Boolean)).toBe(true);
  });

  it("assigns ids and returns the first firing rule", () => {
    const table = new FaultTable();
    const [a, b] = table.set([
      { op: "get", kind: "error", status: 503, first: 1 },
      { op: "get", kind: "network" },
    ]);
    expect(a!.id).toBeDefined();
    expect(table.decide(op())?.id).toBe(a!.id);
    expect(table.decide(op())?.id).toBe(b!.id);
    expect(table.add({ id: "mine", op: "put", kind: "network" }).id).toBe("mine");
  });
});
