/**
 * `GET /api/monitoring` figures an operator reads: the held counts when a rescan cannot list KV
 * (marked stale), `shares.stale` from the millisecond the held scan is 60 s old, and the read
 * cache's hit rate.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { INVENTORY_TTL_MS } from "../shares/inventory.js";

const unit = useUnitWorker();
const env = unit.env("kv", FAST_VARS);
const admin = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };

interface Answer {
  shares: { total: number; stale: boolean };
  cache: { hits: number; misses: number; hitRate: number };
}

const monitoring = async (headers: Record<string, string> = admin) => {
  const res = await unit.request(env, "/api/monitoring", { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
};

describe("monitoring's share counts", () => {
  it("answers the held counts, stale, when the rescan cannot list KV", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    expect((await unit.postShare(env, validBody(1))).status).toBe(201);
    expect((await monitoring()).shares).toMatchObject({ total: 1, stale: false });
    await unit.faults({ failing: ["list"], message: "KV GET failed: 503 Service Unavailable" });
    await unit.setClock(t0 + INVENTORY_TTL_MS);
    expect((await monitoring()).shares).toMatchObject({ total: 1, stale: true });
  });

  it("marks the held counts stale from the millisecond they are 60 s old", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    expect((await monitoring()).shares.stale).toBe(false);
    await unit.setClock(t0 + INVENTORY_TTL_MS - 1);
    expect((await monitoring({})).shares.stale).toBe(false);
    await unit.setClock(t0 + INVENTORY_TTL_MS);
    expect((await monitoring({})).shares.stale).toBe(true);
  });
});

describe("monitoring's count of shares near their expiry", () => {
  it("counts a share until the second KV lists as its expiry, and not from then", async () => {
    expect((await unit.postShare(env, validBody(1))).status).toBe(201);
    const [key] = (await unit.kv.list({ prefix: "share:" })).keys;
    // KV may still list a key for a while after its expiry: the Worker's clock decides.
    for (const [at, total] of [
      [key!.expiration! * 1000 - 1, 1],
      [key!.expiration! * 1000, 0],
    ] as const) {
      await unit.restartIsolate();
      await unit.setClock(at);
      expect((await monitoring()).shares.total, String(at)).toBe(total);
    }
  });
});

describe("monitoring's read cache figures", () => {
  it("gives a hit rate of 0 before any lookup, then hits over lookups", async () => {
    expect((await monitoring()).cache).toMatchObject({ hits: 0, misses: 0, hitRate: 0 });
    const res = await unit.postShare(env, validBody(1));
    const { id } = (await res.json()) as { id: string };
    await unit.restartIsolate(); // an empty cache: the first read misses, the second hits
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(200);
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(200);
    const { cache } = await monitoring();
    expect(cache.hits).toBeGreaterThan(0);
    expect(cache.misses).toBeGreaterThan(0);
    expect(cache.hitRate).toBe(cache.hits / (cache.hits + cache.misses));
  });
});
