/**
 * Records whose KV metadata looks like ours but whose value is not a share (a partial write, a
 * hand edit), as a client and an operator see them: the list leaves them out, monitoring's
 * `shares.total` does not count them, and a record rewritten whole counts again. A guide-era
 * record (no metadata) found corrupt is reported until a rescan reads it back whole.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { createShareId, METADATA_VERSION } from "./record.js";
import { SHARE_TTL_SECONDS } from "./schema.js";

const unit = useUnitWorker();
const env = unit.env("kv", FAST_VARS);
const admin = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };
/** Past the read cache's and the inventory's lifetimes. */
const LATER_MS = 10 * 60_000;

const total = async () =>
  (
    (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
      shares: { total: number };
    }
  ).shares.total;

describe("a record whose value is not a share", () => {
  it("is left out of the list and of shares.total, and counts again once rewritten whole", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const res = await unit.postShare(env, validBody(1));
    expect(res.status).toBe(201);
    const good = ((await res.json()) as { id: string }).id;
    const bad = createShareId(t0 + 1);
    // Metadata without the fields (`full: false`), so the list reads the value.
    const metadata = { v: METADATA_VERSION, ts: t0 + 1, full: false };
    await unit.kv.put(`share:${bad}`, "{not json", { metadata });

    const list = await unit.request(env, "/api/shares");
    expect(list.status).toBe(200);
    expect(((await list.json()) as { shares: { id: string }[] }).shares.map((s) => s.id)).toEqual([
      good,
    ]);
    expect(await total()).toBe(1);

    const record = { ...validBody(2), id: bad, timestamp: t0 + 1, isR2Stored: false };
    await unit.kv.put(
      `share:${bad}`,
      JSON.stringify({ ...record, createdAt: new Date(t0 + 1).toISOString() }),
      { metadata },
    );
    await unit.setClock(t0 + LATER_MS);
    expect((await unit.request(env, `/api/share/${bad}`)).status).toBe(200);
    expect(await total()).toBe(2);
  });

  it("under a key that is not a share id is left out of the list and reported, not counted", async () => {
    const t0 = Date.now();
    const res = await unit.postShare(env, validBody(1));
    expect(res.status).toBe(201);
    const good = ((await res.json()) as { id: string }).id;
    const key = "share:not-an-id!";
    const record = { ...validBody(2), id: "not-an-id!", timestamp: t0, isR2Stored: false };
    await unit.kv.put(key, JSON.stringify({ ...record, createdAt: new Date(t0).toISOString() }), {
      metadata: { v: METADATA_VERSION, ts: t0, full: false },
    });
    const list = await unit.request(env, "/api/shares");
    expect(((await list.json()) as { shares: { id: string }[] }).shares.map((s) => s.id)).toEqual([
      good,
    ]);
    const m = (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
      shares: { total: number };
      corrupt: { keys: unknown[] };
    };
    expect(m.corrupt.keys).toEqual([{ key, reason: "the key is not a share id" }]);
    expect(m.shares.total).toBe(1);
  });

  it("in the guide's shape (no metadata) is reported until a rescan reads it back whole", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const id = "lxrewritten";
    await unit.kv.put(`share:${id}`, "{not json", { expirationTtl: SHARE_TTL_SECONDS });
    const corrupt = async () =>
      (
        (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
          corrupt: { records: number; keys: { key: string }[] };
        }
      ).corrupt;
    expect(await corrupt()).toMatchObject({ records: 1, keys: [{ key: `share:${id}` }] });

    const record = { ...validBody(2), id, timestamp: t0, createdAt: new Date(t0).toISOString() };
    await unit.kv.put(`share:${id}`, JSON.stringify(record), { expirationTtl: SHARE_TTL_SECONDS });
    await unit.setClock(t0 + LATER_MS);
    expect(await corrupt()).toMatchObject({ records: 0, keys: [] });
    expect(await total()).toBe(1);
  });

  it("is no longer held against shares.total once deleted", async () => {
    const t0 = Date.now();
    expect((await unit.postShare(env, validBody(1))).status).toBe(201);
    const bad = createShareId(t0 + 1);
    await unit.kv.put(`share:${bad}`, "{not json", {
      metadata: { v: METADATA_VERSION, ts: t0 + 1, full: false },
    });
    expect((await unit.request(env, "/api/shares")).status).toBe(200);
    expect(await total()).toBe(1);
    const del = await unit.request(env, `/api/share/${bad}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(204);
    expect(await total()).toBe(1);
  });
});
