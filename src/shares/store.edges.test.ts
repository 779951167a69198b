/**
 * The share store where a client or an operator notices its edges: the millisecond a share
 * expires, what a create or a delete says when KV refuses the write, the log line and the counter
 * of a create kept pending, and the totals after deletes.
 */
import { describe, expect, it } from "vitest";
import { SHARE_TTL_SECONDS } from "./schema.js";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = unit.env("kv", FAST_VARS);
const admin = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };
const DOWN = "KV PUT failed: 503 Service Unavailable";

const create = async (e = env, n = 1) => {
  const res = await unit.postShare(e, validBody(n));
  return { res, id: ((await res.clone().json()) as { id: string }).id };
};
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

describe("share expiry on the Worker's clock", () => {
  it("serves a share until the last millisecond of its 30 days, and not at the end", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const { id } = await create();
    // Past the read cache's TTL each time, so the record itself is read.
    await unit.setClock(t0 + SHARE_TTL_SECONDS * 1000 - 1);
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(200);
    await unit.restartIsolate();
    await unit.setClock(t0 + SHARE_TTL_SECONDS * 1000);
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(404);
  });
});

describe("writes KV does not take", () => {
  it("answers a create 503 saying the share was not saved (reject mode)", async () => {
    await unit.faults({ failing: ["put"], message: DOWN });
    const { res } = await create();
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({
      code: "storage_unavailable",
      message: "Storage is temporarily unavailable; the share was not saved",
    });
  });

  it("answers a delete 503 saying nothing was deleted, and the share stays", async () => {
    const { id } = await create();
    await unit.faults({
      failing: ["delete"],
      message: "KV DELETE failed: 500 Internal Server Error",
    });
    const del = await unit.request(env, `/api/share/${id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(503);
    expect(del.headers.get("retry-after")).toBe("5");
    expect(await errorOf(del)).toEqual({
      code: "storage_unavailable",
      message: "Storage is temporarily unavailable; nothing was deleted",
    });
    await unit.faults({});
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(200);
    // Nothing was kept pending for it: it is listed once and monitoring counts no pending share.
    const list = await unit.request(env, "/api/shares");
    expect(list.status).toBe(200);
    expect(((await list.json()) as { shares: { id: string }[] }).shares.map((s) => s.id)).toEqual([
      id,
    ]);
    const m = (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
      shares: { pending: number };
    };
    expect(m.shares.pending).toBe(0);
  });

  it("answers a delete whose read of the share fails with the outage's 503, and the share stays", async () => {
    const { id } = await create();
    await unit.restartIsolate(); // no cached copy to fall back on
    await unit.faults({
      failing: ["getWithMetadata"],
      message: "KV GET failed: 503 Service Unavailable",
    });
    const del = await unit.request(env, `/api/share/${id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(503);
    expect(await errorOf(del)).toEqual({
      code: "storage_unavailable",
      message: "Storage is temporarily unavailable; try again shortly",
    });
    await unit.faults({});
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(200);
  });

  it("keeps a create pending with a fallback log line and counts it in kv.fallbacks", async () => {
    const pendingEnv = unit.env("kv", { ...FAST_VARS, KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: DOWN });
    let id = "";
    const lines = await unit.logsOf(async () => {
      ({ id } = await create(pendingEnv));
    });
    const fallback = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.outcome === "fallback");
    expect(fallback).toEqual([
      {
        level: "info",
        op: "put",
        key: `share:${id}`,
        outcome: "fallback",
        ms: 0,
        backend: "kv",
      },
    ]);
    const m = (await (
      await unit.request(pendingEnv, "/api/monitoring", { headers: admin })
    ).json()) as { kv: { fallbacks: number } };
    expect(m.kv.fallbacks).toBe(1);
  });
});

describe("the KV calls of a delete", () => {
  it("deletes nothing in KV for an unknown id, and touches no idempotency record for a share made without an Idempotency-Key", async () => {
    const { id } = await create();
    await unit.resetCalls();
    const unknown = await unit.request(env, `/api/share/${id.slice(0, -1)}x`, {
      method: "DELETE",
      headers: admin,
    });
    expect(unknown.status).toBe(404);
    expect(await unit.calls()).toMatchObject({ delete: 0, put: 0 });
    const del = await unit.request(env, `/api/share/${id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(204);
    // One read of the share and its delete: no idempotency record is looked up or written.
    expect(await unit.calls()).toMatchObject({ getWithMetadata: 1, get: 0, delete: 1, put: 0 });
  });
});

describe("totals after deletes", () => {
  it("counts a deleted share out of shares.total at once, and a second delete is a 404", async () => {
    const monitoring = async () =>
      (
        (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
          shares: { total: number };
        }
      ).shares.total;
    const a = await create(env, 1);
    await create(env, 2);
    expect(await monitoring()).toBe(2);
    const del = await unit.request(env, `/api/share/${a.id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(204);
    expect(await monitoring()).toBe(1);
    const again = await unit.request(env, `/api/share/${a.id}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(again.status).toBe(404);
    expect(await monitoring()).toBe(1);
  });
});
