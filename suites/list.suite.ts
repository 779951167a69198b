/**
 * Check 3 of the guide, "分享列表获取": newest first across pages (also for shares made
 * milliseconds apart), cursor paging that returns every share exactly once, limit bounds, a page
 * that reads no values, shares too big for KV metadata, the empty store, legacy records from the
 * guide's `share:list` era, and corrupt, deleted or expired shares left out. Each check creates the
 * shares it looks at and finds them in the listing, so checks hold in any order and on a store
 * others write to.
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index.js";
import { KV_LIMITS } from "../lib/kv-limits.js";
import type { ShareData } from "../src/shares/schema.js";
import {
  createShare,
  type ApiError,
  deleteShare,
  expectError,
  getShare,
  listAll,
  listPage,
  monitoring,
  stored,
  type CreatedShare,
  type Monitoring,
} from "./support/api.js";
import { capabilities, windows } from "./support/capabilities.js";
import { suiteFactory } from "./support/own-data.js";
import { suiteRun, type TargetHandle } from "./support/use-target.js";

const { backend, useTarget } = await suiteRun(import.meta.url);
const caps = capabilities[backend];
const factory = suiteFactory(3303);
const ids = (shares: { id: string }[]) => shares.map((s) => s.id);
/** Ids invert time, so ascending id order is newest first (ties: the random suffix). */
const byKeyOrder = <T extends { id: string }>(shares: T[]) =>
  [...shares].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
/** The items of `listing` that are among `mine`, in listing order. */
const among = <T extends { id: string }>(listing: T[], mine: { id: string }[]) => {
  const wanted = new Set(ids(mine));
  return listing.filter((s) => wanted.has(s.id));
};

/**
 * `n` shares created one after another, `stepMs` of virtual time apart where there is a clock
 * (else a request apart), newest first.
 */
async function series(t: TargetHandle, n: number, stepMs = 1000): Promise<CreatedShare[]> {
  const made: CreatedShare[] = [];
  for (let i = 0; i < n; i++) {
    await t.target.control.clock?.advance(stepMs);
    made.unshift(await createShare(t.target, factory.createBody()));
  }
  return made;
}

describe(`list on an empty store [${backend}]`, () => {
  const t = useTarget();

  it("answers an empty page with a null cursor", async (ctx) => {
    t.requireFreshStore(ctx);
    const page = await listPage(t.target, {});
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ shares: [], cursor: null });
  });
});

describe(`list of a store holding exactly 6 shares [${backend}]`, () => {
  const t = useTarget();

  it("ends a listing whose size is a multiple of the page size on its last full page", async (ctx) => {
    t.requireFreshStore(ctx);
    const made = await series(t, 6);
    // 6 = 3 x 2 = 2 x 3 = 1 x 6: the last full page must say there is nothing more.
    for (const [limit, pages] of [
      [2, 3],
      [3, 2],
      [6, 1],
    ] as const) {
      const listing = await listAll(t.target, limit);
      expect(listing.pages, `limit ${limit}`).toBe(pages);
      expect(ids(listing.shares), `limit ${limit}`).toEqual(ids(made));
    }
    const whole = await listPage(t.target, { limit: 6 });
    expect(whole.body.cursor).toBeNull();
  });
});

describe(`list past a whole KV page of keys that hold no share [${backend}]`, () => {
  const t = useTarget({
    onlyIf: [caps.affectedByKvFaults, "the memory backend keeps no KV keys to page through"],
  });

  it("follows KV's cursor: a share behind a full page of other keys is listed", async (ctx) => {
    t.requireFreshStore(ctx);
    const kv = t.control(ctx, "kv");
    // Keys under the share prefix that sort before every id, as a bad import could leave them.
    const entries = Array.from({ length: KV_LIMITS.listLimit }, (_, i) => ({
      key: `share:-${String(i).padStart(4, "0")}`,
      value: "not a share",
    }));
    const takenAt = (await t.target.control.clock?.now()) ?? Date.now();
    await kv.load({ version: 1, takenAt, entries });
    const share = await createShare(t.target, factory.createBody());
    const listing = await listAll(t.target, 10);
    expect(ids(listing.shares)).toEqual([share.id]);
  });
});

describe(`list [${backend}]`, () => {
  const t = useTarget();

  it("lists shares newest first, on one page and across pages", async (ctx) => {
    const made = await series(t, 5);
    await t.eventually(ctx, "the new shares are listed newest first", async () => {
      for (const limit of [100, 2]) {
        const listed = among((await listAll(t.target, limit)).shares, made);
        expect(ids(listed), `limit ${limit}`).toEqual(ids(made));
        expect(listed).toEqual(made.map(stored));
      }
    });
  });

  it("orders shares made milliseconds apart: each gets a later timestamp and is listed before the last", async (ctx) => {
    t.control(ctx, "clock");
    // Distinct milliseconds, most likely within one second.
    const made = await series(t, 5, 10);
    const times = made.map((s) => s.timestamp);
    for (let i = 1; i < times.length; i++) expect(times[i - 1]).toBeGreaterThan(times[i]!);
    expect(ids(among((await listAll(t.target)).shares, made))).toEqual(ids(made));
  });

  it("pages with cursors through every share exactly once, newest first throughout", async (ctx) => {
    const made = byKeyOrder(
      await Promise.all(
        Array.from({ length: 20 }, () => createShare(t.target, factory.createBody())),
      ),
    );
    await t.eventually(ctx, "every new share is listed once", async () => {
      const { shares, pages } = await listAll(t.target, 7);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(new Set(ids(shares)).size).toBe(shares.length);
      const listed = among(shares, made);
      expect(ids(listed)).toEqual(ids(made));
      const times = listed.map((s) => s.timestamp);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });
  });

  it("bounds limit to 1..100 and defaults to 20", async () => {
    // Only decimal digits: not an exponent, hex, a sign or padding that Number() would read.
    for (const bad of ["0", "101", "abc", "1.5", "-3", "1e1", "0x10", "+5", "%205"]) {
      const res = await t.target.fetch(`/api/shares?limit=${bad}`);
      await expectError(res, 400, "validation_failed");
    }
    // A parameter given twice is refused, naming it: which value counts is never a guess.
    for (const [query, name] of [
      ["limit=5&limit=500", "limit"],
      ["limit=5&limit=5", "limit"],
      ["cursor=&cursor=", "cursor"],
    ]) {
      const res = await t.target.fetch(`/api/shares?${query}`);
      const body = (await expectError(res, 400, "validation_failed")) as ApiError;
      expect(
        body.error.fields?.map((f) => f.path),
        query,
      ).toEqual([name]);
    }
    // More than a default page, so the default shows.
    await Promise.all(
      Array.from({ length: 21 }, () => createShare(t.target, factory.createBody())),
    );
    const total = (await listAll(t.target)).shares.length;
    expect(total).toBeGreaterThan(20);
    const one = await listPage(t.target, { limit: 1 });
    expect(one.body.shares).toHaveLength(1);
    expect(one.body.cursor).not.toBeNull();
    expect((await listPage(t.target, { limit: 100 })).body.shares).toHaveLength(
      Math.min(100, total),
    );
    expect((await listPage(t.target, {})).body.shares).toHaveLength(Math.min(20, total));
    // An empty cursor is the first page, as if none were given.
    const empty = await t.target.fetch("/api/shares?limit=3&cursor=");
    expect(((await empty.json()) as { shares: ShareData[] }).shares).toEqual(
      (await listPage(t.target, { limit: 3 })).body.shares,
    );
  });

  it("rejects a tampered cursor with 400 invalid_cursor", async () => {
    await series(t, 2);
    await expectError(
      await t.target.fetch("/api/shares?cursor=not-a-cursor"),
      400,
      "invalid_cursor",
    );
    const page = await listPage(t.target, { limit: 1 });
    const tampered = `${page.body.cursor!.slice(0, -2)}!!`;
    await expectError(
      await t.target.fetch(`/api/shares?cursor=${encodeURIComponent(tampered)}`),
      400,
      "invalid_cursor",
    );
  });

  it("serves a page from KV's key listing alone: no value reads for shares that fit the metadata", async (ctx) => {
    t.requireOneLocation(ctx);
    const made = await series(t, 3);
    // Past the read cache, so a page that read values would have to ask KV for them.
    await t.target.control.clock?.advance(windows.readCacheMs + 1000);
    const before = await monitoring(t.target);
    // The newest page holds just these (a share too big for metadata costs a read: not here).
    expect((await listPage(t.target, { limit: 3 })).body.shares).toEqual(made.map(stored));
    const after = await monitoring(t.target);
    expect(after.kv.reads - before.kv.reads).toBe(0);
    expect(after.kv.lists - before.kv.lists).toBe(1);
  });

  it("lists and reads in full a share whose fields do not fit KV's 1024-byte metadata", async (ctx) => {
    const long = factory.createBody({
      prompt: `${"a very detailed prompt about a lighthouse at dusk, ".repeat(30)}end`,
    });
    const created = await createShare(t.target, long);
    await t.eventually(ctx, "the long share is listed in full", async () => {
      const listed = (await listAll(t.target)).shares.find((s) => s.id === created.id);
      expect(listed).toEqual(stored(created));
      expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    });
    const clock = t.target.control.clock;
    if (t.target.oneLocation && clock) {
      // Past the read cache, its page reads the value from storage: in monitoring's reads.
      await clock.advance(windows.readCacheMs + 1000);
      const before = await monitoring(t.target);
      expect((await listAll(t.target)).shares.map((s) => s.id)).toContain(created.id);
      expect((await monitoring(t.target)).kv.reads - before.kv.reads).toBeGreaterThanOrEqual(1);
    }
  });

  it(
    caps.readsKvRecords
      ? "includes legacy records indexed by share:list after the new ones, oldest last"
      : "does not list records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const made = await series(t, 2);
      // A count of its own, before the legacy records arrive.
      await clock.advance(windows.edgeCacheMs + 1000);
      const counted = t.target.adminToken ? (await monitoring(t.target)).shares.total : undefined;
      const legacyFactory = createShareFactory(3304, { now: await clock.now() });
      const legacy = Array.from({ length: 3 }, () => legacyFactory.legacyShare());
      for (const share of legacy) {
        const entry = legacyFactory.legacyEntry(share);
        await kv.put(entry.key, entry.value, { expiration: entry.expiration! });
      }
      // The guide's index also names a share whose record is gone: it must not appear.
      const gone = legacyFactory.legacyShare();
      await kv.put("share:list", JSON.stringify([...ids(legacy), gone.id]), {
        expirationTtl: 3600,
      });
      // The isolate's inventory (which holds legacy records) is cached for up to 60 s.
      await clock.advance(windows.edgeCacheMs + 1000);

      const { shares } = await listAll(t.target, 4);
      try {
        if (!t.target.capabilities.readsKvRecords) {
          expect(among(shares, legacy)).toEqual([]);
          return;
        }
        const newestFirst = [...legacy].sort((a, b) => b.timestamp - a.timestamp);
        expect(ids(among(shares, [...made, ...legacy]))).toEqual([
          ...ids(made),
          ...ids(newestFirst),
        ]);
        // Legacy records come after every new record: they end the listing.
        expect(shares.slice(-legacy.length)).toEqual(newestFirst);
        expect(ids(shares)).not.toContain(gone.id);
        expect(ids(shares)).not.toContain("list");
        const m = (await monitoring(t.target)) as Monitoring & {
          corrupt: { keys: { key: string }[] };
        };
        expect(m.shares.legacy).toBe(legacy.length);
        // Legacy records are shares like any other in the total.
        if (counted !== undefined) expect(m.shares.total).toBe(counted + legacy.length);
        // The guide's index is not a share, nor a corrupt one.
        expect(m.corrupt.keys.map((k) => k.key)).not.toContain("share:list");
      } finally {
        await Promise.all(legacy.map((s) => kv.delete(`share:${s.id}`)));
      }
    },
  );

  it("skips a corrupt record instead of failing the whole list, and counts it", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const made = await series(t, 2);
    const before = (await monitoring(t.target)).corruptRecords;
    await kv.put("share:corruptrecord0", "{not json", { expirationTtl: 3600 });
    // The isolate's inventory (which reads records without metadata) is cached for up to 60 s.
    await clock.advance(windows.edgeCacheMs + 1000);
    const { shares } = await listAll(t.target, 4);
    expect(ids(shares)).not.toContain("corruptrecord0");
    expect(ids(among(shares, made))).toEqual(ids(made));
    expect((await monitoring(t.target)).corruptRecords).toBe(before + 1);
  });

  it("leaves out a share whose record turned out corrupt on read, though its metadata looks fine", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const made = await series(t, 2);
    const now = await clock.now();
    const share = createShareFactory(3306, { now }).share({ timestamp: now });
    const entry = createShareFactory(3306).entry(share);
    await kv.put(entry.key, "{not json", { metadata: entry.metadata, expirationTtl: 3600 });
    try {
      // Past the edge caches, so the listing and the read both see the record.
      await clock.advance(windows.edgeCacheMs + 1000);
      await expectError(await t.target.fetch(`/api/share/${share.id}`), 404, "not_found");
      // The share page a listed item links to would be a 404: it is not listed.
      const { shares } = await listAll(t.target);
      expect(ids(shares)).not.toContain(share.id);
      expect(ids(among(shares, made))).toEqual(ids(made));
    } finally {
      // Through the API where it can: the isolate forgets a corrupt record it deleted.
      if (t.target.adminToken) expect(await deleteShare(t.target, share.id)).toBe(204);
      else await kv.delete(entry.key);
    }
    if (t.target.adminToken) {
      const m = (await monitoring(t.target)) as Monitoring & {
        corrupt: { keys: { key: string }[] };
      };
      expect(m.corrupt.keys.map((k) => k.key)).not.toContain(entry.key);
      // Nor is it taken off the total any more: the total is what the list holds.
      expect(m.shares.total).toBe((await listAll(t.target)).shares.length);
    }
  });

  it("lists a share again, and names it corrupt no more, once its record is repaired in KV", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const now = await clock.now();
    const share = createShareFactory(3307, { now }).share({ timestamp: now });
    const entry = createShareFactory(3307).entry(share);
    await kv.put(entry.key, "{not json", { metadata: entry.metadata, expirationTtl: 3600 });
    try {
      await clock.advance(windows.edgeCacheMs + 1000);
      await expectError(await t.target.fetch(`/api/share/${share.id}`), 404, "not_found");
      expect(ids((await listAll(t.target)).shares)).not.toContain(share.id);
      // Restored from a backup: once the isolate's cached read has aged out, it is a share again.
      await kv.put(entry.key, entry.value, { metadata: entry.metadata, expirationTtl: 3600 });
      await clock.advance(windows.readCacheMs + windows.edgeCacheMs + 1000);
      expect((await getShare(t.target, share.id)).body).toEqual(share);
      expect(ids((await listAll(t.target)).shares)).toContain(share.id);
      const m = (await monitoring(t.target)) as Monitoring & {
        corrupt: { keys: { key: string }[] };
      };
      expect(m.corrupt.keys.map((k) => k.key)).not.toContain(entry.key);
    } finally {
      await kv.delete(entry.key);
    }
  });

  it("leaves out a deleted share", async (ctx) => {
    t.requireAdmin(ctx);
    const made = await series(t, 3);
    const [newest, victim, oldest] = made;
    expect(await deleteShare(t.target, victim!.id)).toBe(204);
    await t.eventually(ctx, "the deleted share is no longer listed", async () => {
      const shares = (await listAll(t.target, 6)).shares;
      expect(ids(shares)).not.toContain(victim!.id);
      expect(ids(among(shares, made))).toEqual(ids([newest!, oldest!]));
    });
  });

  it(
    caps.readsKvRecords
      ? "leaves out a record whose KV expiration has passed, on every page"
      : "leaves out nothing it did not create",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const made = await series(t, 4);
      const now = await clock.now();
      const share: ShareData = createShareFactory(3305, { now }).share({ timestamp: now });
      const entry = createShareFactory(3305).entry(share);
      await kv.put(entry.key, entry.value, {
        metadata: entry.metadata,
        expiration: Math.floor(now / 1000) + 120,
      });
      const listed = async () => ids((await listAll(t.target, 50)).shares);
      if (t.target.capabilities.readsKvRecords) expect(await listed()).toContain(share.id);
      await clock.advance(180_000);
      expect(await listed()).not.toContain(share.id);
      // Small pages that start by skipping the expired key still list every share exactly once.
      for (const limit of [3, 2]) {
        const { shares } = await listAll(t.target, limit);
        expect(new Set(ids(shares)).size, `limit ${limit}`).toBe(shares.length);
        expect(ids(among(shares, made)), `limit ${limit}`).toEqual(ids(made));
      }
    },
  );

  it("lists none of its shares once 30 days have passed", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const made = await series(t, 2);
    await clock.advance(windows.shareTtlMs + 60_000);
    expect(among((await listAll(t.target)).shares, made)).toEqual([]);
    // Every share in this block's store was made before the jump, so all are gone.
    if (t.target.freshStore) {
      expect((await listPage(t.target, {})).body).toEqual({ shares: [], cursor: null });
    }
  });
});
