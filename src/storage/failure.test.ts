import { describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { isolate, resetIsolateState } from "../state.js";
import {
  envFor,
  postShare,
  request,
  useMiniflareEnv,
  validBody,
} from "../testing/miniflare-env.js";
import type { Env } from "../env.js";

const { world, kv } = useMiniflareEnv();
const env = (extra: Partial<Env> = {}) => envFor("kv", world, kv, extra);
const create = async (e = env()) =>
  ((await (await postShare(e, validBody())).json()) as { id: string }).id;
const reads = () => kv.calls.get + kv.calls.getWithMetadata + kv.calls.getMany;

describe("read cache", () => {
  it("serves repeat reads from the cache and re-reads after the TTL", async () => {
    const t0 = Date.now();
    setClock(() => t0);
    const id = await create();
    kv.reset();
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect(reads()).toBe(0); // own write populated the cache
    setClock(() => t0 + 301_000);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    expect(reads()).toBe(1);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      cache: { hits: number; size: number };
    };
    expect(m.cache.hits).toBe(2);
    expect(m.cache.size).toBeGreaterThan(0);
  });

  it("caches misses too, and its own deletes", async () => {
    expect((await request(env(), "/api/share/missing1")).status).toBe(404);
    expect((await request(env(), "/api/share/missing1")).status).toBe(404);
    expect(reads()).toBe(1);
    const id = await create();
    const del = await request(env(), `/api/share/${id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(del.status).toBe(204);
    kv.reset();
    expect((await request(env(), `/api/share/${id}`)).status).toBe(404);
    expect(reads()).toBe(0);
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
    setClock(() => t0);
    const id = await create();
    setClock(() => t0 + 600_000); // cache entry now stale
    kv.failing.add("getWithMetadata");
    const stale = await request(env(), `/api/share/${id}`);
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as { id: string }).id).toBe(id);
    const unknown = await request(env(), "/api/share/neverseen");
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get("retry-after")).toBe("5");
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
    kv.failing.clear();
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      kv: { fallbacks: number; errors: number };
    };
    expect(m.kv.fallbacks).toBe(1);
    expect(m.kv.errors).toBe(2);
  });
});

describe("slow KV", () => {
  it("treats a read slower than KV_OP_TIMEOUT_MS as a failure (503 when nothing is held)", async () => {
    kv.hanging.add("getWithMetadata");
    const res = await request(env({ KV_OP_TIMEOUT_MS: "20" }), "/api/share/slowkey");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
  });
});

describe("write failures", () => {
  it("rejects with 503 after bounded retries and stores nothing (reject mode)", async () => {
    kv.failing.add("put");
    kv.failMessage = "KV PUT failed: 429 Too Many Requests";
    const res = await postShare(env(), validBody());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(kv.calls.put).toBe(3); // KV_RETRY_MAX_ATTEMPTS
    kv.failing.clear();
    expect((await world.kv.list({ prefix: "share:" })).keys).toEqual([]);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      kv: { retries: number };
    };
    expect(m.kv.retries).toBe(2);
  });

  it("keeps the share pending in memory mode, serves it, and flushes it when KV recovers", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    kv.failing.add("put");
    kv.failMessage = "KV PUT failed: 500 Internal Server Error";
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

    kv.failing.clear();
    await request(e, "/healthz"); // starts the flush
    await isolate.flushing;
    expect(await world.kv.get(`share:${share.id}`, { type: "text" })).toContain(share.id);
    m = (await (await request(e, "/api/monitoring")).json()) as typeof m;
    expect(m.kv.pendingWrites).toBe(0);
  });

  it("loses pending shares when the isolate restarts before KV recovers", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    kv.failing.add("put");
    const { id } = (await (await postShare(e, validBody())).json()) as { id: string };
    resetIsolateState();
    kv.failing.clear();
    expect((await request(e, `/api/share/${id}`)).status).toBe(404);
  });
});
