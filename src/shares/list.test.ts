import { describe, expect, it } from "vitest";
import legacy from "../../fixtures/legacy/guide-shape.json" with { type: "json" };
import type { UnitEnv } from "../testing/unit-protocol.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { encodeCursor } from "./list-cursor.js";
import { SHARE_TTL_SECONDS } from "./schema.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");
const request = (e: UnitEnv, path: string, init?: RequestInit) => unit.request(e, path, init);
const postShare = (e: UnitEnv, body: unknown) => unit.postShare(e, body);
const reads = async () => {
  const calls = await unit.calls();
  return calls.get + calls.getWithMetadata + calls.getMany;
};
interface Page {
  shares: { id: string; prompt: string }[];
  cursor: string | null;
}

async function createMany(n: number): Promise<string[]> {
  const t0 = Date.now() - n * 1000;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    await unit.setClock(t0 + i * 1000);
    ids.push(((await (await postShare(env(), validBody(i))).json()) as { id: string }).id);
  }
  await unit.setClock();
  return ids.reverse(); // newest first
}

async function loadLegacy(): Promise<void> {
  for (const [key, record] of Object.entries(legacy.records)) {
    await unit.kv.put(key, JSON.stringify(record), { expirationTtl: SHARE_TTL_SECONDS });
  }
  await unit.kv.put("share:list", JSON.stringify(legacy.list));
}

async function walk(limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const q: string = cursor ? `&cursor=${cursor}` : "";
    const res = await request(env(), `/api/shares?limit=${limit}${q}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.shares.length).toBeLessThanOrEqual(limit);
    ids.push(...page.shares.map((s) => s.id));
    cursor = page.cursor;
    if (!cursor) break;
  }
  return ids;
}

describe("GET /api/shares paging", () => {
  it("returns every share exactly once, newest first, for several page sizes", async () => {
    const ids = await createMany(7);
    for (const limit of [1, 2, 3, 7, 100]) expect(await walk(limit)).toEqual(ids);
  });

  it("costs one list() call and no per-item reads for a normal page", async () => {
    await createMany(5);
    await unit.restartIsolate(); // cold cache: reads would show
    await unit.resetCalls();
    const page = (await (await request(env(), "/api/shares?limit=3")).json()) as Page;
    expect(page.shares).toHaveLength(3);
    expect((await unit.calls()).list).toBe(1);
    expect(await reads()).toBe(0);
  });

  it("reads shares too large for metadata with one bulk get", async () => {
    await postShare(env(), { ...validBody(), prompt: "长".repeat(1500) });
    await unit.restartIsolate();
    await unit.resetCalls();
    const page = (await (await request(env(), "/api/shares")).json()) as Page;
    expect(page.shares[0]!.prompt).toBe("长".repeat(1500));
    expect((await unit.calls()).getMany).toBe(1);
  });

  it("merges the guide's legacy records after new ones and skips the missing id", async () => {
    const ids = await createMany(2);
    await loadLegacy();
    const legacyNewestFirst = ["lx9c9d4e6f7g", "lx9b8c3d5e6f", "lx9a7b2c4d5e"];
    for (const limit of [1, 2, 4])
      expect(await walk(limit)).toEqual([...ids, ...legacyNewestFirst]);
    const one = await request(env(), "/api/share/lx9b8c3d5e6f");
    expect(((await one.json()) as { prompt: string }).prompt).toBe(
      legacy.records["share:lx9b8c3d5e6f"].prompt,
    );
    expect((await request(env(), "/api/share/lx9k2m1q8f3a")).status).toBe(404);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      shares: { total: number };
    };
    expect(m.shares.total).toBe(5);
  });

  it("counts shares for monitoring from keys, without reading new records' values", async () => {
    await createMany(4);
    await loadLegacy();
    await unit.restartIsolate();
    await unit.resetCalls();
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      shares: { total: number };
    };
    expect(m.shares.total).toBe(7);
    const calls = await unit.calls();
    expect(calls.getWithMetadata).toBe(0);
    expect(calls.get).toBe(1); // the health probe (healthz:probe), no share record
    expect(calls.getMany).toBe(1); // the 3 legacy records (+ share:list is skipped)
    await request(env(), "/api/monitoring");
    expect((await unit.calls()).list).toBe(1); // cached for 60 s
  });

  it("excludes deleted and expired shares", async () => {
    const ids = await createMany(4);
    const del = await request(env(), `/api/share/${ids[1]}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(del.status).toBe(204);
    expect(await walk(2)).toEqual([ids[0], ids[2], ids[3]]);
    await unit.setClock(Date.now() + (SHARE_TTL_SECONDS + 60) * 1000);
    expect(await walk(2)).toEqual([]);
  });

  it("resumes mid-page exactly once when this isolate's pending shares fill the first page", async () => {
    const ids = await createMany(3);
    const failPuts = () =>
      unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    await failPuts();
    const e = unit.env("kv", { KV_WRITE_FALLBACK: "memory" });
    const pending = (await (await postShare(e, validBody(9))).json()) as { id: string };
    await unit.faults({});
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      // Writes keep failing during each request, so the flush each request starts leaves it pending.
      await failPuts();
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const page = (await (await request(e, `/api/shares?limit=2${q}`)).json()) as Page;
      await unit.flushed(); // the flush this request started has failed before writes recover
      await unit.faults({});
      seen.push(...page.shares.map((s) => s.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([pending.id, ...ids]);
  });

  it("pages through more pending shares than a page holds, each exactly once, then KV's", async () => {
    const ids = await createMany(2);
    const fallback = unit.env("kv", { KV_WRITE_FALLBACK: "memory" });
    const failPuts = () =>
      unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    await failPuts();
    const t0 = Date.now();
    const pending: string[] = [];
    // Five pending shares: two made in the same millisecond (ordered by id), then one a second.
    for (const [i, at] of [t0, t0, t0 + 1000, t0 + 2000, t0 + 3000].entries()) {
      await unit.setClock(at);
      const res = await postShare(fallback, validBody(20 + i));
      expect(res.status).toBe(202);
      pending.push(((await res.json()) as { id: string }).id);
    }
    const sameMs = pending.slice(0, 2).sort();
    const newestFirst = [...pending.slice(2).reverse(), ...sameMs];
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${cursor}` : "";
        const page = (await (
          await request(fallback, `/api/shares?limit=${limit}${q}`)
        ).json()) as Page;
        await unit.flushed(); // each request's flush fails while writes fail: all stay pending
        seen.push(...page.shares.map((s) => s.id));
        cursor = page.cursor;
      } while (cursor);
      expect(seen, `limit ${limit}`).toEqual([...newestFirst, ...ids]);
    }
    await unit.faults({});
  });

  it("answers 400 invalid_cursor when KV refuses the KV cursor inside a well-formed one", async () => {
    const ids = await createMany(3);
    const first = (await (await request(env(), "/api/shares?limit=1")).json()) as Page;
    expect(first.shares.map((s) => s.id)).toEqual(ids.slice(0, 1));
    // Production KV answers a cursor it did not issue with a 400; the schema cannot tell.
    await unit.faults({ failing: ["list"], message: "KV LIST failed: 400 Invalid cursor" });
    const forged = encodeCursor({ p: "kv", c: "Zm9yZ2Vk" });
    const res = await request(env(), `/api/shares?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_cursor");
    // The same refusal of a list the Worker started itself is a bug here, not the client's.
    const own = await request(env(), "/api/shares?limit=1");
    expect(own.status).toBe(500);
    // An outage is an outage, cursor or not.
    await unit.faults({ failing: ["list"], message: "KV LIST failed: 503 Service Unavailable" });
    expect((await request(env(), `/api/shares?cursor=${forged}`)).status).toBe(503);
    await unit.faults({});
    const next = (await (
      await request(env(), `/api/shares?cursor=${first.cursor}`)
    ).json()) as Page;
    expect(next.shares.map((s) => s.id)).toEqual(ids.slice(1));
  });

  it("rejects tampered cursors and bad limits", async () => {
    for (const cursor of [
      "!!!",
      "bm90anNvbg",
      encodeCursor({ p: "legacy", i: 0 }).slice(0, -3) + "xyz",
      // A pending cursor naming no share id, or no time.
      btoa(JSON.stringify({ p: "pending", t: 1, i: "../share:x" })).replace(/=+$/, ""),
      btoa(JSON.stringify({ p: "pending", t: -1, i: "abc" })).replace(/=+$/, ""),
    ]) {
      const res = await request(env(), `/api/shares?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_cursor");
    }
    for (const limit of ["0", "101", "abc"]) {
      expect((await request(env(), `/api/shares?limit=${limit}`)).status).toBe(400);
    }
  });
});
