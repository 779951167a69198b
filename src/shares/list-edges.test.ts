/**
 * `GET /api/shares` at the edges a client meets when it follows cursors: guide-era (legacy)
 * records with the same timestamp keep one order across pages, a page that ends exactly at the
 * last new share still points on to the legacy ones, and a request that crosses a long run of
 * expired keys stops after 10 KV list calls with a cursor that leads on to the rest.
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

  it("stops a request after 10 list calls across expired shares, and the cursor leads on", async () => {
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
    expect(Math.max(...listCalls)).toBeLessThanOrEqual(10);
    expect(pages.length).toBeGreaterThan(1);
    expect(ids(pages)).toEqual(["lxsurvivor"]);
  });
});
