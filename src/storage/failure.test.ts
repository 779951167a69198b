import { describe, expect, it } from "vitest";
import type { UnitEnv } from "../testing/unit-protocol.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = (extra: Parameters<typeof unit.env>[1] = {}) => unit.env("kv", extra);
const request = (e: UnitEnv, path: string, init?: RequestInit) => unit.request(e, path, init);
const postShare = (e: UnitEnv, body: unknown) => unit.postShare(e, body);
const create = async (e = env()) =>
  ((await (await postShare(e, validBody())).json()) as { id: string }).id;
const reads = async () => {
  const calls = await unit.calls();
  return calls.get + calls.getWithMetadata + calls.getMany;
};

describe("read cache", () => {
  it("serves repeat reads from the cache and re-reads after the TTL", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const id = await create();
    await unit.resetCalls();
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect(await reads()).toBe(0); // own write populated the cache
    await unit.setClock(t0 + 301_000);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect(await reads()).toBe(1);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      cache: { hits: number; size: number };
    };
    expect(m.cache.hits).toBe(2);
    expect(m.cache.size).toBeGreaterThan(0);
  });

  it("caches misses too, and its own deletes", async () => {
    expect((await request(env(), "/api/share/missing1")).status).toBe(404);
    expect((await request(env(), "/api/share/missing1")).status).toBe(404);
    expect(await reads()).toBe(1);
    const id = await create();
    const del = await request(env(), `/api/share/${id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(del.status).toBe(204);
    await unit.resetCalls();
    expect((await request(env(), `/api/share/${id}`)).status).toBe(404);
    expect(await reads()).toBe(0);
  });

  it("stays within CACHE_MAX_ENTRIES", async () => {
    for (let i = 0; i < 5; i++) await request(env({ CACHE_MAX_ENTRIES: "3" }), `/api/share/m${i}`);
    const m = (await (
      await request(env({ CACHE_MAX_ENTRIES: "3" }), "/api/monitoring")
    ).json()) as {
      cache: { size: number; maxSize: number };
    };
    expect(m.cache).toMatchObject({ size: 3, maxSize: 3 });
  });
});

describe("stale-if-error reads", () => {
  it("serves a stale copy when KV fails, and 503 with Retry-After when nothing is held", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const id = await create();
    await unit.setClock(t0 + 600_000); // cache entry now stale
    await unit.faults({ failing: ["getWithMetadata"] });
    const stale = await request(env(), `/api/share/${id}`);
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as { id: string }).id).toBe(id);
    const unknown = await request(env(), "/api/share/neverseen");
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get("retry-after")).toBe("5");
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
    await unit.faults({});
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      kv: { fallbacks: number; errors: number };
    };
    expect(m.kv.fallbacks).toBe(1);
    expect(m.kv.errors).toBe(2);
  });
});

describe("slow KV", () => {
  it("treats a read slower than KV_OP_TIMEOUT_MS as a failure (503 when nothing is held)", async () => {
    await unit.faults({ hanging: ["getWithMetadata"] });
    const res = await request(env({ KV_OP_TIMEOUT_MS: "20" }), "/api/share/slowkey");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
  });
});

describe("write failures", () => {
  it("rejects with 503 after bounded retries and stores nothing (reject mode)", async () => {
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 429 Too Many Requests" });
    const res = await postShare(env(), validBody());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await unit.calls()).put).toBe(3); // KV_RETRY_MAX_ATTEMPTS
    await unit.faults({});
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      kv: { retries: number };
    };
    expect(m.kv.retries).toBe(2);
  });

  it("keeps the share pending in memory mode, serves it, and flushes it when KV recovers", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 500 Internal Server Error" });
    const res = await postShare(e, validBody());
    expect(res.status).toBe(202);
    const share = (await res.json()) as { id: string; durability: string };
    expect(share.durability).toBe("pending");
    expect((await request(e, `/api/share/${share.id}`)).status).toBe(200);
    const list = (await (await request(e, "/api/shares")).json()) as { shares: { id: string }[] };
    expect(list.shares.map((s) => s.id)).toEqual([share.id]);
    let m = (await (await request(e, "/api/monitoring")).json()) as {
      kv: { pendingWrites: number };
      shares: { total: number };
    };
    expect(m.kv.pendingWrites).toBe(1);
    expect(m.shares.total).toBe(1);

    await unit.faults({});
    await request(e, "/healthz"); // starts the flush
    await unit.flushed();
    expect(await unit.kv.get(`share:${share.id}`)).toContain(share.id);
    m = (await (await request(e, "/api/monitoring")).json()) as typeof m;
    expect(m.kv.pendingWrites).toBe(0);
  });

  it("loses pending shares when the isolate restarts before KV recovers", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 500 Internal Server Error" });
    const { id } = (await (await postShare(e, validBody())).json()) as { id: string };
    await unit.restartIsolate();
    await unit.faults({});
    expect((await request(e, `/api/share/${id}`)).status).toBe(404);
  });
});
