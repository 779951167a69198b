/**
 * `GET /api/shares` at the edges a client meets when it follows cursors: guide-era (legacy)
 * records with the same timestamp keep one order across pages, a page that ends exactly at the
 * last new share still points on to the legacy ones, a run of expired keys costs no extra list call,
 * and a page with a cursor always has a share after it.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { SHARE_TTL_SECONDS } from "./schema.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");
const request = (path: string) => unit.request(env(), path);
const postShare = (body: unknown) => unit.postShare(env(), body);
const DAY_MS = 86_400_000;

interface Page {
  shares: { id: string }[];
  cursor: string | null;
}

/** A record in the guide's shape: JSON at `share:{id}`, no KV metadata. */
async function putLegacy(id: string, timestamp: number, ttlSeconds = SHARE_TTL_SECONDS) {
  const record = { ...validBody(), id, timestamp, createdAt: new Date(timestamp).toISOString() };
  await unit.kv.put(`share:${id}`, JSON.stringify(record), { expirationTtl: ttlSeconds });
}

async function create(n: number): Promise<string> {
  const res = await postShare(validBody(n));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Every page of the list at `limit`, with the KV list calls each request made. */
async function walk(limit: number): Promise<{ pages: Page[]; listCalls: number[] }> {
  const pages: Page[] = [];
  const listCalls: number[] = [];
  let cursor: string | null = null;
  do {
    const calls = (await unit.calls()).list;
    const q: string = cursor ? `&cursor=${cursor}` : "";
    const res = await request(`/api/shares?limit=${limit}${q}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    listCalls.push((await unit.calls()).list - calls);
    pages.push(page);
    cursor = page.cursor;
  } while (cursor && pages.length < 50);
  return { pages, listCalls };
}

const ids = (pages: Page[]) => pages.flatMap((p) => p.shares.map((s) => s.id));

describe("following list cursors", () => {
  it("orders legacy records with the same timestamp by id, the same way on every page", async () => {
    const t = Date.parse("2025-01-01T00:00:00Z");
    await putLegacy("lxccc", t);
    await putLegacy("lxaaa", t);
    await putLegacy("lxbbb", t);
    await putLegacy("lxnewer", t + 1000);
    const expected = ["lxnewer", "lxaaa", "lxbbb", "lxccc"];
    expect(ids((await walk(10)).pages)).toEqual(expected);
    expect(ids((await walk(1)).pages)).toEqual(expected);
  });

  it("points on to the legacy records from a page that ends at the last new share", async () => {
    await putLegacy("lxold", Date.parse("2025-01-01T00:00:00Z"));
    const fresh = await create(1);
    const { pages } = await walk(1);
    expect(pages[0]!.shares.map((s) => s.id)).toEqual([fresh]);
    expect(pages[0]!.cursor).not.toBeNull();
    expect(ids(pages)).toEqual([fresh, "lxold"]);
  });

  it("crosses a run of expired shares in one list call, and sends no one on to an empty page", async () => {
    // A guide-era record kept for 90 days: still there when the new shares have expired.
    await putLegacy("lxsurvivor", Date.parse("2025-01-01T00:00:00Z"), 90 * 86_400);
    const t0 = Date.now();
    for (let i = 0; i < 12; i++) {
      await unit.setClock(t0 + i * 1000);
      await create(i);
    }
    // 31 days on: all twelve new shares have expired (their KV entries may linger a while).
    await unit.setClock(t0 + 31 * DAY_MS);
    const { pages, listCalls } = await walk(1);
    // One call for the page and at most one for the legacy records' scan.
    expect(listCalls).toHaveLength(1);
    expect(listCalls[0]).toBeLessThanOrEqual(2);
    expect(pages).toEqual([
      { shares: [expect.objectContaining({ id: "lxsurvivor" })], cursor: null },
    ]);
  });

  it("lists a share until the second KV lists as its expiry, and not from then", async () => {
    const id = await create(1);
    const [key] = (await unit.kv.list({ prefix: "share:" })).keys;
    // KV may still list a key for a while after its expiry: the Worker's clock decides.
    for (const [at, listed] of [
      [key!.expiration! * 1000 - 1, [id]],
      [key!.expiration! * 1000, []],
    ] as const) {
      await unit.setClock(at);
      const page = (await (await request("/api/shares")).json()) as Page;
      expect(
        page.shares.map((s) => s.id),
        String(at),
      ).toEqual(listed);
    }
  });

  it("ends on a full page when only expired shares follow it, at any page size", async () => {
    const t0 = Date.now();
    await unit.setClock(t0 - 60_000);
    const old = [await create(0), await create(1), await create(2)];
    // The older three expire in two minutes (as shares made 30 days ago would); the newer two do not.
    const { keys } = (await unit.kv.list({ prefix: "share:" })) as {
      keys: { name: string; metadata?: unknown }[];
    };
    for (const key of keys) {
      const value = await unit.kv.get(key.name);
      const metadata = key.metadata;
      await unit.kv.put(key.name, value!, { metadata, expiration: Math.floor(t0 / 1000) + 120 });
    }
    await unit.setClock(t0);
    const fresh = [await create(10), await create(11)];
    await unit.setClock(t0 + 5 * 60_000);
    for (const limit of [1, 2]) {
      const { pages } = await walk(limit);
      expect(ids(pages).sort(), `limit ${limit}`).toEqual([...fresh].sort());
      expect(ids(pages)).not.toContain(old[0]);
      const sizes = pages.map((p) => p.shares.length);
      expect(sizes, `limit ${limit}: every page full, the last one too`).toEqual(
        Array.from({ length: 2 / limit }, () => limit),
      );
    }
  });
});
