/**
 * What /healthz says about its probe on a fixed clock: how long each check took, when the probe
 * ran, how old the answer is, and the error text a failing KV gave (bounded).
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker } from "../testing/unit-worker.js";
import { HEALTH_PROBE_WINDOW_MS } from "./check.js";

const unit = useUnitWorker();
const AT = Date.UTC(2026, 0, 1, 12);

interface Health {
  status: string;
  checks: {
    storage: { status: string; ms: number; error?: string };
    images: { status: string; ms: number };
  };
  probe: { at: string; ageMs: number; windowMs: number };
}
const health = async () =>
  (await (await unit.request(unit.env("kv", { ...FAST_VARS }), "/healthz")).json()) as Health;

describe("the health probe on a fixed clock", () => {
  it("took no time, ran at the clock's time, and ages with the clock until the window ends", async () => {
    await unit.setClock(AT);
    const first = await health();
    expect(first.checks.storage).toMatchObject({ status: "ok", ms: 0 });
    expect(first.checks.images).toMatchObject({ status: "ok", ms: 0 });
    expect(first.probe).toEqual({
      at: new Date(AT).toISOString(),
      ageMs: 0,
      windowMs: HEALTH_PROBE_WINDOW_MS,
    });
    await unit.setClock(AT + HEALTH_PROBE_WINDOW_MS - 1);
    expect((await health()).probe).toMatchObject({
      at: new Date(AT).toISOString(),
      ageMs: HEALTH_PROBE_WINDOW_MS - 1,
    });
    await unit.setClock(AT + HEALTH_PROBE_WINDOW_MS);
    expect((await health()).probe).toMatchObject({
      at: new Date(AT + HEALTH_PROBE_WINDOW_MS).toISOString(),
      ageMs: 0,
    });
  });

  it("reports a failing KV read with the time it took and its message, cut at 300 characters", async () => {
    await unit.setClock(AT);
    const message = `KV GET failed: 503 Service Unavailable ${"x".repeat(400)}`;
    await unit.faults({ failing: ["get", "getWithMetadata"], message });
    const body = await health();
    expect(body.status).toBe("unavailable");
    expect(body.checks.storage).toEqual({
      status: "failing",
      ms: 0,
      error: message.slice(0, 300),
      pendingWrites: 0,
      writeFallback: "reject",
    });
  });

  it("names the KV read that did not answer in time", async () => {
    await unit.faults({ hanging: ["get"] });
    const env = unit.env("kv", { ...FAST_VARS, KV_OP_TIMEOUT_MS: "50" });
    const body = (await (await unit.request(env, "/healthz")).json()) as Health;
    expect(body.checks.storage).toMatchObject({
      status: "failing",
      error: "KV GET timed out after 50 ms",
    });
  });

  it("does not probe KV for a Worker on the memory backend (not durable), even with the binding present", async () => {
    await unit.faults({ failing: ["get", "getWithMetadata"] });
    const env = { ...unit.env("memory"), kv: true };
    const res = await unit.request(env, "/healthz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect([body.status, body.checks.storage.status]).toEqual(["degraded", "not_durable"]);
    expect((await unit.calls()).get).toBe(0);
  });

  it("counts the probes it ran for monitoring: one per window, however many checks", async () => {
    await unit.setClock(AT);
    for (let i = 0; i < 3; i++) await health();
    await unit.setClock(AT + HEALTH_PROBE_WINDOW_MS);
    await health();
    const res = await unit.request(unit.env("kv", { ...FAST_VARS }), "/api/monitoring", {
      headers: { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` },
    });
    const body = (await res.json()) as { health: { probe: { count: number } } };
    expect(body.health.probe.count).toBe(2);
  });
});
