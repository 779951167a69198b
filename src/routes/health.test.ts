/**
 * The /healthz contract (docs/decisions/health.md): 200 `ok`; 200 `degraded` naming the
 * dependency; 503 `unavailable` with Retry-After and the error shape when KV fails; probes read
 * KV itself, so a cached read cannot hide an outage. Monitoring marks its counts stale meanwhile.
 */
import { describe, expect, it } from "vitest";
import { HEALTH_PROBE_WINDOW_MS } from "../health/check.js";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
/** One probe answers for a window (health-probe-cost.test.ts); move the clock past it. */
let clockAt = 0;
const passProbeWindow = async () => {
  clockAt = Math.max(clockAt, Date.now()) + HEALTH_PROBE_WINDOW_MS;
  await unit.setClock(clockAt);
};
const kv = (vars: Record<string, string> = {}) =>
  unit.env("kv", { ...FAST_VARS, ...vars, r2: true });
const health = async (env = kv()) => {
  const res = await unit.request(env, "/healthz");
  const body = (await res.json()) as {
    status: string;
    checks: { storage: { ms: number } };
  } & Record<string, unknown>;
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body };
};

describe("GET /healthz", () => {
  it("is ok when KV and R2 answer, with what each probe took", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      status: "ok",
      backend: "kv",
      degraded: [],
      checks: {
        storage: { status: "ok", pendingWrites: 0, writeFallback: "reject" },
        images: { status: "ok" },
      },
    });
    expect(body.checks.storage.ms).toBeGreaterThanOrEqual(0);
  });

  it("is 503 unavailable with Retry-After and the error shape while every KV read fails", async () => {
    // A read this isolate cached stays cached; health reads KV itself all the same.
    const { id } = (await (await unit.postShare(kv(), validBody())).json()) as { id: string };
    await unit.request(kv(), `/api/share/${id}`);
    await unit.faults({
      failing: ["get", "getWithMetadata"],
      message: "KV GET failed: 503 Service Unavailable",
    });
    const { status, retryAfter, body } = await health();
    expect([status, retryAfter]).toEqual([503, "5"]);
    expect(body).toMatchObject({
      ok: false,
      status: "unavailable",
      degraded: ["storage"],
      checks: { storage: { status: "failing", error: "KV GET failed: 503 Service Unavailable" } },
      error: {
        code: "storage_unavailable",
        message: "KV is failing: KV GET failed: 503 Service Unavailable",
      },
    });
    await unit.faults({});
    await passProbeWindow();
    expect((await health()).body.status).toBe("ok");
  });

  it("is degraded while this isolate holds shares KV has not taken yet, then ok once flushed", async () => {
    const env = kv({ KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    expect((await unit.postShare(env, validBody())).status).toBe(202);
    await unit.faults({});
    const { status, body } = await health(env);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      status: "degraded",
      degraded: ["storage"],
      checks: { storage: { status: "recovering", pendingWrites: 1, writeFallback: "memory" } },
    });
    await unit.flushed();
    expect((await health(env)).body.status).toBe("ok");
  });

  it("is degraded on the memory backend (shares are lost on restart) and notes no image bucket", async () => {
    const { status, body } = await health(unit.env("memory", { r2: false }));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "degraded",
      backend: "memory",
      degraded: ["storage"],
      checks: { storage: { status: "not_durable" }, images: { status: "not_configured" } },
    });
  });
});

describe("GET /api/monitoring during an outage", () => {
  it("marks the share counts stale while KV fails, though a recent count is held", async () => {
    await unit.postShare(kv(), validBody());
    const before = (await (await unit.request(kv(), "/api/monitoring")).json()) as {
      shares: { total: number; stale: boolean; countedAt: string };
    };
    expect(before.shares).toMatchObject({ total: 1, stale: false });
    await unit.faults({
      failing: ["get", "list"],
      message: "KV GET failed: 500 Internal Server Error",
    });
    await passProbeWindow();
    const res = await unit.request(kv(), "/api/monitoring");
    expect(res.status).toBe(200);
    const during = (await res.json()) as {
      shares: { total: number; stale: boolean; countedAt: string };
      health: { status: string };
    };
    expect(during.shares).toMatchObject({
      total: 1,
      stale: true,
      countedAt: before.shares.countedAt,
    });
    expect(during.health.status).toBe("unavailable");
    await unit.faults({});
    await passProbeWindow();
    const after = (await (await unit.request(kv(), "/api/monitoring")).json()) as {
      shares: { stale: boolean };
    };
    expect(after.shares.stale).toBe(false);
  });
});
