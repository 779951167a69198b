/**
 * Fault rules through the KV layer, seen exactly as a Worker sees them: each kind fires on the
 * operations its rule selects and on no others, and rules change at runtime without a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

let probe: ProbeHarness;
beforeAll(async () => {
  probe = await createProbeHarness({ isolates: 2 });
  await probe.harness.kv.put("share:1", "v1");
  await probe.harness.kv.put("index", "i");
});
afterAll(() => probe?.harness.dispose());
afterEach(() => probe.harness.faults.clear());

const message = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: Error) => e.message,
  );

describe("fault kinds", () => {
  it("error: the exact production message for each status and method", async () => {
    const { harness, call } = probe;
    await harness.faults.set([
      { op: "get", kind: "error", status: 500 },
      { op: "put", kind: "error", status: 429 },
      { op: "list", kind: "error", status: 503 },
      { op: "delete", kind: "error", status: 500 },
      { op: "getWithMetadata", kind: "error", status: 503 },
    ]);
    expect(await message(call("LAYER_0", "get", "share:1"))).toBe(
      "KV GET failed: 500 Internal Server Error",
    );
    expect(await message(call("LAYER_0", "get", ["share:1"]))).toBe(
      "KV GET_BULK failed: 500 Internal Server Error",
    );
    expect(await message(call("LAYER_0", "put", "share:2", "x"))).toBe(
      "KV PUT failed: 429 Too Many Requests",
    );
    expect(await message(call("LAYER_0", "list", {}))).toBe(
      "KV GET failed: 503 Service Temporarily Unavailable",
    );
    expect(await message(call("LAYER_0", "delete", "share:1"))).toBe(
      "KV DELETE failed: 500 Internal Server Error",
    );
    expect(await message(call("LAYER_0", "getWithMetadata", "share:1"))).toBe(
      "KV GET failed: 503 Service Temporarily Unavailable",
    );
    // Failed writes and deletes changed nothing.
    expect(await harness.kv.get("share:2")).toBeNull();
    expect(await harness.kv.get("share:1")).toBe("v1");
  });

  it("error 4xx: production's limit texts for each op, and the store is untouched", async () => {
    const { harness, call } = probe;
    await harness.faults.set([
      { op: "any", kind: "error", status: 400, prefix: "bad-request:" },
      { op: "put", kind: "error", status: 413, prefix: "too-big:" },
      { op: "put", kind: "error", status: 413, reason: "metadata", prefix: "big-meta:" },
      { op: "any", kind: "error", status: 414, prefix: "long:" },
    ]);
    expect(await message(call("LAYER_0", "get", "bad-request:1"))).toBe(
      "KV GET failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30.",
    );
    expect(await message(call("LAYER_0", "getWithMetadata", ["bad-request:1"]))).toBe(
      "KV GET_BULK failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30.",
    );
    expect(await message(call("LAYER_0", "put", "bad-request:1", "x"))).toBe(
      "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60.",
    );
    expect(await message(call("LAYER_0", "list", { prefix: "bad-request:" }))).toBe(
      "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
    );
    // KV has no 400 for a valid delete: the `any` rule lets it through.
    expect(await message(call("LAYER_0", "delete", "bad-request:1"))).toBe("ok");
    expect(await message(call("LAYER_0", "put", "too-big:1", "x"))).toBe(
      "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.",
    );
    expect(await message(call("LAYER_0", "put", "big-meta:1", "x", { metadata: { a: 1 } }))).toBe(
      "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.",
    );
    expect(await message(call("LAYER_1", "delete", "long:1"))).toBe(
      "KV DELETE failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
    );
    expect(await message(call("LAYER_1", "get", ["long:1", "share:1"]))).toBe(
      "KV GET_BULK failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
    );
    for (const key of ["bad-request:1", "too-big:1", "big-meta:1"]) {
      expect(await harness.kv.get(key)).toBeNull();
    }
  });

  it("4xx rules that KV cannot give are refused", async () => {
    await expect(
      probe.harness.faults.add({ op: "delete", kind: "error", status: 400 }),
    ).rejects.toThrow(/fault rule status: 400 is given by get, getWithMetadata, put and list/);
    await expect(
      probe.harness.faults.add({ op: "get", kind: "error", status: 413 }),
    ).rejects.toThrow(/fault rule status: 413 .* put only/);
    await expect(
      probe.harness.faults.add({ op: "put", kind: "error", status: 400, reason: "value" }),
    ).rejects.toThrow(/fault rule reason/);
  });

  it("network: `Network connection lost.`, and a fault is counted", async () => {
    const { harness, call } = probe;
    await harness.resetCounters();
    await harness.faults.add({ op: "any", kind: "network" });
    expect(await message(call("LAYER_1", "get", "share:1"))).toBe("Network connection lost.");
    const counters = await harness.counters();
    expect(counters.isolates[1]).toMatchObject({ reads: 1, faults: 1 });
    expect(counters.isolates[0]).toMatchObject({ reads: 0, faults: 0 });
  });

  it("hang: waits, then fails with a network error", async () => {
    await probe.harness.faults.add({ op: "get", kind: "hang", ms: 50 });
    expect(await message(probe.call("LAYER_0", "get", "share:1"))).toBe("Network connection lost.");
  });

  it("latency: delays the matching op, which still succeeds", async () => {
    await probe.harness.resetCounters();
    await probe.harness.faults.add({ op: "get", kind: "latency", ms: 400, isolate: 0 });
    const order: string[] = [];
    await Promise.all([
      probe.call("LAYER_0", "get", "share:1").then((v) => order.push(`slow:${v}`)),
      probe.call("LAYER_1", "get", "share:1").then((v) => order.push(`fast:${v}`)),
    ]);
    expect(order).toEqual(["fast:v1", "slow:v1"]);
    expect((await probe.harness.counters()).total.faults).toBe(0);
  });

  it("latency: removing the rule lets the calls it holds go on at once", async () => {
    const { harness, call } = probe;
    await harness.resetCounters();
    // Longer than any test may take: only removing the rule ends this call's wait.
    await harness.faults.add({ op: "get", kind: "latency", ms: 3_600_000, isolate: 0 });
    let settled = false;
    const held = call("LAYER_0", "get", "share:1").finally(() => (settled = true));
    while ((await harness.counters()).isolates[0]!.reads === 0) await Promise.resolve();
    expect(await call("LAYER_1", "get", "share:1")).toBe("v1");
    expect(settled).toBe(false);
    await harness.faults.clear();
    expect(await held).toBe("v1");
  });
});

describe("which ops a rule selects", () => {
  it("prefix and isolate limit the rule; other ops pass untouched", async () => {
    const { harness, call } = probe;
    await harness.faults.add({ op: "get", kind: "network", prefix: "share:", isolate: 1 });
    expect(await message(call("LAYER_1", "get", "share:1"))).toBe("Network connection lost.");
    expect(await call("LAYER_1", "get", "index")).toBe("i");
    expect(await call("LAYER_0", "get", "share:1")).toBe("v1");
    expect(await call("LAYER_1", "getWithMetadata", "share:1")).toMatchObject({ value: "v1" });
  });

  it("first: n fails the first n matching ops, then recovers", async () => {
    await probe.harness.faults.add({ op: "get", kind: "error", status: 503, first: 2 });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await message(probe.call("LAYER_0", "get", "share:1")));
    expect(results).toEqual([
      "KV GET failed: 503 Service Temporarily Unavailable",
      "KV GET failed: 503 Service Temporarily Unavailable",
      "ok",
      "ok",
    ]);
  });

  it("after: n lets n ops through, then fails every one", async () => {
    await probe.harness.faults.add({ op: "put", kind: "network", after: 1 });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await message(probe.call("LAYER_0", "put", `after:${i}`, "x")));
    expect(results).toEqual(["ok", "Network connection lost.", "Network connection lost."]);
  });

  it("probability with a seed fails the same ops on every run", async () => {
    const run = async () => {
      await probe.harness.faults.set([{ op: "get", kind: "network", probability: 0.5, seed: 42 }]);
      const out = [];
      for (let i = 0; i < 12; i++) out.push(await message(probe.call("LAYER_0", "get", "share:1")));
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain("ok");
    expect(first).toContain("Network connection lost.");
  });

  it("rules change at runtime and clearing them restores normal KV", async () => {
    await probe.harness.faults.add({ op: "any", kind: "network" });
    expect(await message(probe.call("LAYER_0", "get", "share:1"))).toBe("Network connection lost.");
    await probe.harness.faults.clear();
    expect(await probe.call("LAYER_0", "get", "share:1")).toBe("v1");
  });

  it("invalid rules are refused with the field named", async () => {
    await expect(
      probe.harness.faults.add({ op: "get", kind: "error", status: 404 as 500 }),
    ).rejects.toThrow(/fault rule status/);
    await expect(
      probe.harness.faults.add({ op: "get", kind: "network", isolate: 5 }),
    ).rejects.toThrow(/isolate: 5 is out of range 0..1/);
  });
});

describe("counters and restarts", () => {
  it("counts reads, writes, deletes and lists per isolate", async () => {
    const { harness, call } = probe;
    await harness.resetCounters();
    await call("LAYER_0", "get", "share:1");
    await call("LAYER_0", "get", ["share:1", "index"]);
    await call("LAYER_1", "put", "c:1", "x");
    await call("LAYER_1", "delete", "c:1");
    await call("LAYER_1", "list", { prefix: "c:" });
    expect(await harness.counters()).toEqual({
      total: { reads: 2, writes: 1, deletes: 1, lists: 1, faults: 0, rateLimited: 0 },
      isolates: [
        { reads: 2, writes: 0, deletes: 0, lists: 0, faults: 0, rateLimited: 0 },
        { reads: 0, writes: 1, deletes: 1, lists: 1, faults: 0, rateLimited: 0 },
      ],
    });
  });

  it("rules survive restart, counters start over", async () => {
    const { harness, call } = probe;
    const rule = await harness.faults.add({ op: "get", kind: "network", prefix: "share:" });
    await call("LAYER_0", "get", "index");
    await harness.restart();
    expect(await harness.faults.list()).toEqual([rule]);
    expect(await message(call("LAYER_0", "get", "share:1"))).toBe("Network connection lost.");
    expect((await harness.counters()).total).toMatchObject({ reads: 1, faults: 1 });
    expect((await harness.state()).restarts).toBe(1);
  });
});
