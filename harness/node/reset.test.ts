import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../share/index.js";
import type { HarnessImpl } from "./create-harness.js";
import type { MonitoringAnswer as Monitoring } from "../../src/client.js";

let harness: HarnessImpl;

const BODY = JSON.stringify({
  generatedUrl: "https://images.example.com/g.png",
  originalUrl: "https://images.example.com/o.png",
  prompt: "a harbour in fog",
  style: "watercolor",
});

const post = (isolate: number) =>
  harness.fetch(
    "/api/share",
    { method: "POST", headers: { "content-type": "application/json" }, body: BODY },
    isolate,
  );

const monitoring = async (isolate: number) =>
  (await (await harness.fetch("/api/monitoring", {}, isolate)).json()) as Monitoring;

beforeAll(async () => {
  harness = await createShareHarness({ persistTo: "temp", isolates: 2, profile: "production" });
});

afterAll(async () => {
  await harness?.dispose();
});

describe("harness.reset()", () => {
  it("starts over on the running runtime: empty store, no rules, zero counters, fresh isolates, same clock", async () => {
    // Relative to what isolate 0 wrote before (the other test may have run first).
    const written = (await monitoring(0)).kv.writes;
    for (const isolate of [0, 1]) expect((await post(isolate)).status).toBe(201);
    await harness.faults.add({ op: "get", kind: "latency", ms: 1 });
    expect((await monitoring(0)).kv.writes).toBe(written + 1);
    await harness.clock.advance(3_600_000);
    const clock = harness.clock.now();
    const { restarts } = await harness.state();

    await harness.reset();

    expect((await harness.kv.list()).keys).toEqual([]);
    expect(await harness.faults.list()).toEqual([]);
    expect((await harness.counters()).total).toMatchObject({ reads: 0, writes: 0, lists: 0 });
    for (const isolate of [0, 1]) {
      const m = await monitoring(isolate);
      expect(m.kv.writes).toBe(0);
      expect(m.cache.size).toBe(0);
      expect(m.shares.total).toBe(0);
    }
    expect(harness.clock.now()).toBeGreaterThanOrEqual(clock);
    const state = await harness.state();
    expect(state.restarts).toBe(restarts);
    expect(state.rules).toEqual([]);

    const created = (await (await post(0)).json()) as { id: string };
    expect((await harness.fetch(`/api/share/${created.id}`)).status).toBe(200);
  });

  it("cannot be triggered by a request's own headers", async () => {
    expect((await post(0)).status).toBe(201);
    const res = await harness.fetch("/api/monitoring", {
      headers: { "x-harness-reset-isolate": "1" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Monitoring).cache.size).toBeGreaterThan(0);
  });

  it("with vars, runs every isolate with exactly those vars from then on, restarts included", async () => {
    // KV_RETRY_MAX_ATTEMPTS=0 is out of range: the Worker answers 500 config_invalid naming it.
    const invalid = async () => {
      for (const isolate of [0, 1]) {
        const res = await post(isolate);
        expect(res.status, `isolate ${isolate}`).toBe(500);
        expect(await res.text()).toContain("KV_RETRY_MAX_ATTEMPTS");
      }
    };
    try {
      await harness.reset({ vars: { KV_RETRY_MAX_ATTEMPTS: "0" } });
      await invalid();
      await harness.restart();
      await invalid();
      await harness.reset();
      await invalid();
    } finally {
      // A var the new set leaves out is gone, as in a Worker booted without it.
      await harness.reset({ vars: {} });
    }
    for (const isolate of [0, 1]) expect((await post(isolate)).status).toBe(201);
  });

  it("with pluginOptions, serves the other backend on every isolate from then on, restarts included", async () => {
    const backend = async (isolate: number) =>
      ((await (await harness.fetch("/healthz", {}, isolate)).json()) as { backend: string })
        .backend;
    try {
      await harness.reset({ pluginOptions: { backend: "memory" } });
      expect(harness.options.plugin).toMatchObject({ backend: "memory" });
      for (const isolate of [0, 1]) {
        expect(await backend(isolate)).toBe("memory");
        expect((await post(isolate)).status).toBe(201);
      }
      // The memory backend keeps its shares out of KV.
      expect((await harness.kv.list()).keys).toEqual([]);
      await harness.restart();
      expect(await backend(1)).toBe("memory");
    } finally {
      await harness.reset({ pluginOptions: { backend: "kv" } });
    }
    expect(await backend(0)).toBe("kv");
    expect((await post(0)).status).toBe(201);
    expect((await harness.kv.list({ prefix: "share:" })).keys).toHaveLength(1);
  });
});
