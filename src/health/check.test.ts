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
});
