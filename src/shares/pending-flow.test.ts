/**
 * Several shares kept pending through a KV outage (KV_WRITE_FALLBACK=memory), as a client and an
 * operator see them: the first list page newest first, monitoring's totals before and after the
 * flush, the flushed records' expiry in KV, and deletes of pending shares during the outage.
 */
import { describe, expect, it } from "vitest";
import { createShareId, encodeShareRecord } from "./record.js";
import { SHARE_TTL_SECONDS, type ShareData } from "./schema.js";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = unit.env("kv", { ...FAST_VARS, KV_WRITE_FALLBACK: "memory" });
const admin = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };
const OUTAGE = { failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" } as const;

interface Monitoring {
  shares: { total: number; pending: number };
  kv: { pendingWrites: number };
}

const monitoring = async () =>
  (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as Monitoring;

/** Creates `n` shares one second apart on the Worker's clock during an outage; oldest first. */
async function pendingShares(n: number, t0: number): Promise<string[]> {
  await unit.faults({ ...OUTAGE, failing: [...OUTAGE.failing] });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    await unit.setClock(t0 + i * 1000);
    const res = await unit.postShare(env, validBody(i + 1));
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

/** A share another isolate stored in KV at `timestamp` (this isolate never saw it). */
async function storedElsewhere(timestamp: number, n: number): Promise<string> {
  const share = {
    ...validBody(n),
    id: createShareId(timestamp),
    timestamp,
    createdAt: new Date(timestamp).toISOString(),
    isR2Stored: false,
  } as ShareData;
  const record = encodeShareRecord(share);
  await unit.kv.put(record.key, record.value, {
    metadata: record.metadata,
    expirationTtl: SHARE_TTL_SECONDS,
  });
  return share.id;
}

async function recover(): Promise<void> {
  await unit.faults({});
  await unit.request(env, "/healthz"); // any request starts the flush
  await unit.flushed();
}

describe("several pending shares", () => {
  it("end the listing on a page they fill when nothing follows in KV; while KV cannot list, the page keeps a cursor", async () => {
    const t0 = Date.now();
    const ids = await pendingShares(2, t0);
    const page = async () =>
      (await (await unit.request(env, "/api/shares?limit=2")).json()) as {
        shares: { id: string }[];
        cursor: string | null;
      };
    const alone = await page();
    expect(alone).toEqual({ shares: expect.any(Array), cursor: null });
    expect(alone.shares.map((s) => s.id)).toEqual([...ids].reverse());
    await unit.faults({
      failing: ["put", "list"],
      message: "KV LIST failed: 503 Service Unavailable",
    });
    expect((await page()).cursor).toEqual(expect.any(String));
    await recover();
  });

  it("lists them newest first and keeps the totals through the flush, whose records expire 30 days after their creates", async () => {
    const t0 = Date.now();
    const ids = await pendingShares(3, t0);
    const list = (await (await unit.request(env, "/api/shares")).json()) as {
      shares: { id: string; durability?: string }[];
    };
    expect(list.shares.map((s) => s.id)).toEqual([...ids].reverse());
    expect(await monitoring()).toMatchObject({
      shares: { total: 3, pending: 3 },
      kv: { pendingWrites: 3 },
    });

    const before = Math.floor(Date.now() / 1000);
    await recover();
    const after = Math.ceil(Date.now() / 1000);
    expect(await monitoring()).toMatchObject({
      shares: { total: 3, pending: 0 },
      kv: { pendingWrites: 0 },
    });
    const stored = (await unit.kv.list({ prefix: "share:" })).keys as {
      name: string;
      expiration?: number;
    }[];
    expect(stored.map((k) => k.name).sort()).toEqual(ids.map((id) => `share:${id}`).sort());
    // 30 days from each share's create (a second apart; the clock runs up to 2 s ahead of
    // KV's), not all from the flush.
    const expirations = ids.map((id) => stored.find((k) => k.name === `share:${id}`)!.expiration!);
    for (const [i, expiration] of expirations.entries()) {
      expect(expiration).toBeGreaterThanOrEqual(before + SHARE_TTL_SECONDS - 3);
      expect(expiration).toBeLessThanOrEqual(after + SHARE_TTL_SECONDS);
      expect(Math.abs(expiration - expirations[0]! - i), `share ${i}`).toBeLessThanOrEqual(1);
    }
    const listed = (await (await unit.request(env, "/api/shares")).json()) as {
      shares: { id: string; durability?: string }[];
    };
    expect(listed.shares.map((s) => s.id)).toEqual([...ids].reverse());
    expect(listed.shares.every((s) => s.durability === undefined)).toBe(true);
  });

  it("deletes a pending share during the outage: gone from reads, lists, totals and KV after the flush", async () => {
    const ids = await pendingShares(2, Date.now());
    const del = await unit.request(env, `/api/share/${ids[0]}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(del.status).toBe(204);
    expect((await unit.request(env, `/api/share/${ids[0]}`)).status).toBe(404);
    expect(await monitoring()).toMatchObject({ shares: { total: 1, pending: 1 } });
    await recover();
    expect((await unit.request(env, `/api/share/${ids[0]}`)).status).toBe(404);
    expect(await unit.kv.get(`share:${ids[0]}`)).toBeNull();
    expect(await unit.kv.get(`share:${ids[1]}`)).toContain(ids[1]);
    expect(await monitoring()).toMatchObject({ shares: { total: 1, pending: 0 } });
    const again = await unit.request(env, `/api/share/${ids[0]}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(again.status).toBe(404);
  });

  it("logs one flush line per share: while KV is still down one error and the flush stops, then ok for each", async () => {
    const ids = await pendingShares(2, Date.now());
    const flushLines = async (action: () => Promise<unknown>) =>
      (await unit.logsOf(action))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.op === "flush");
    const line = (id: string, outcome: string) => ({
      level: outcome === "error" ? "error" : "info",
      op: "flush",
      key: `share:${id}`,
      outcome,
      ms: 0,
      backend: "kv",
    });
    // KV still refuses puts: the first share fails and the others wait for the next request.
    const down = await flushLines(async () => {
      await unit.request(env, "/healthz");
      await unit.flushed();
    });
    expect(down).toEqual([line(ids[0]!, "error")]);
    await unit.faults({});
    const up = await flushLines(async () => {
      await unit.request(env, "/healthz");
      await unit.flushed();
    });
    expect(up).toEqual([line(ids[0]!, "ok"), line(ids[1]!, "ok")]);
  });

  it("lists no pending share twice when the ones after a page's cursor are gone", async () => {
    const ids = await pendingShares(3, Date.now());
    const page = async (q: string) =>
      (await (await unit.request(env, `/api/shares?${q}`)).json()) as {
        shares: { id: string }[];
        cursor: string | null;
      };
    const first = await page("limit=2");
    expect(first.shares.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    const del = await unit.request(env, `/api/share/${ids[0]}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(del.status).toBe(204);
    const second = await page(`limit=2&cursor=${encodeURIComponent(first.cursor!)}`);
    expect(second).toEqual({ shares: [], cursor: null });
  });

  it("lists no share twice when the pending ones are flushed to KV after the page that listed them", async () => {
    const t0 = Date.now();
    // One durable share older than the pending ones: the first page has a KV share to point on to.
    await unit.setClock(t0 - 10_000);
    const durable = await unit.postShare(env, validBody(9));
    expect(durable.status).toBe(201);
    const { id: older } = (await durable.json()) as { id: string };
    const ids = await pendingShares(3, t0);
    const listed: string[] = [];
    const follow = async (limit: number, flushAfterFirst: boolean) => {
      listed.length = 0;
      let cursor: string | null = null;
      for (let n = 0; n < 10; n++) {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const res = await unit.request(env, `/api/shares?limit=${limit}${q}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { shares: { id: string }[]; cursor: string | null };
        listed.push(...page.shares.map((s) => s.id));
        if (n === 0 && flushAfterFirst) await recover();
        cursor = page.cursor;
        if (!cursor) return listed;
      }
      throw new Error("the list never ended");
    };
    // The whole pending phase on the first page, KV's phase after the flush.
    expect(await follow(3, true)).toEqual([...[...ids].reverse(), older]);
    const more = await pendingShares(3, t0 + 10_000);
    // The pending phase cut by the flush: the rest of it is in KV by the second page.
    expect(await follow(2, true)).toEqual([...more.reverse(), ...[...ids].reverse(), older]);
  });

  it("lists a pending share once when it is flushed between pages and newer shares are in KV", async () => {
    const t0 = Date.now();
    const [pending] = await pendingShares(1, t0);
    // Stored by other isolates meanwhile: newer, so KV lists them before the pending share's key.
    const newest = await storedElsewhere(t0 + 2000, 8);
    const newer = await storedElsewhere(t0 + 1000, 9);
    await unit.setClock(t0 + 3000);
    const page = async (q: string) =>
      (await (await unit.request(env, `/api/shares?limit=2${q}`)).json()) as {
        shares: { id: string }[];
        cursor: string | null;
      };
    const first = await page("");
    expect(first.shares.map((s) => s.id)).toEqual([pending, newest]);
    await recover();
    const second = await page(`&cursor=${encodeURIComponent(first.cursor!)}`);
    expect(second).toEqual({ shares: [expect.objectContaining({ id: newer })], cursor: null });
  });

  it("does not list a share deleted after the flush that followed the page before", async () => {
    const ids = await pendingShares(3, Date.now());
    const first = (await (await unit.request(env, "/api/shares?limit=1")).json()) as {
      shares: { id: string }[];
      cursor: string;
    };
    expect(first.shares.map((s) => s.id)).toEqual([ids[2]]);
    await recover();
    const del = await unit.request(env, `/api/share/${ids[1]}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(del.status).toBe(204);
    const rest = (await (
      await unit.request(env, `/api/shares?limit=5&cursor=${encodeURIComponent(first.cursor)}`)
    ).json()) as { shares: { id: string }[] };
    expect(rest.shares.map((s) => s.id)).toEqual([ids[0]]);
  });

  it("keeps a pending share pending when its delete cannot reach KV", async () => {
    const [id] = await pendingShares(1, Date.now());
    await unit.faults({
      failing: ["put", "getWithMetadata"],
      message: "KV GET failed: 503 Service Unavailable",
    });
    const del = await unit.request(env, `/api/share/${id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(503);
    expect(((await del.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
    const still = await unit.request(env, `/api/share/${id}`);
    expect(still.status).toBe(200);
    expect(((await still.json()) as { durability?: string }).durability).toBe("pending");
    await recover();
    expect(await unit.kv.get(`share:${id}`)).toContain(id!);
  });
});
