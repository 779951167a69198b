/**
 * Check 3 of the guide, "分享列表获取": newest first across pages, cursor paging that returns every
 * share exactly once, limit bounds, a page that reads no values, shares too big for KV metadata,
 * the empty store, legacy records from the guide's `share:list` era, and deleted or expired shares
 * left out. Checks look at this run's own shares, so they hold on a store others write to too.
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index";
import type { ShareData } from "../src/shares/schema";
import {
  createShare,
  deleteShare,
  expectError,
  getShare,
  listAll,
  listPage,
  monitoring,
  stored,
  type CreatedShare,
} from "./support/api";
import { capabilities, windows } from "./support/capabilities";
import { suiteFactory } from "./support/own-data";
import { suiteBackend, useTarget } from "./support/use-target";

const backend = suiteBackend();
const caps = capabilities[backend];
const factory = suiteFactory(3303);
const ids = (shares: { id: string }[]) => shares.map((s) => s.id);
/** Ids invert time, so ascending id order is newest first (ties: the random suffix). */
const byKeyOrder = <T extends { id: string }>(shares: T[]) =>
  [...shares].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

describe(`list [${backend}]`, () => {
  const t = useTarget();
  /** Every share this block created and did not delete, newest first. */
  let live: CreatedShare[] = [];
  /** This run's shares in a full listing, in the order listed. */
  const own = async (limit = 100) => t.target.own.only((await listAll(t.target, limit)).shares);

  it("answers an empty page with a null cursor on an empty store", async (ctx) => {
    t.requireFreshStore(ctx);
    const page = await listPage(t.target, {});
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ shares: [], cursor: null });
  });

  it("lists shares newest first, on one page and across pages", async (ctx) => {
    const clock = t.target.control.clock;
    for (let i = 0; i < 5; i++) {
      live.unshift(await createShare(t.target, factory.createBody()));
      // Distinct creation times; without a clock, one create after another is enough.
      await clock?.advance(1000);
    }
    await t.eventually(ctx, "the new shares are listed newest first", async () => {
      for (const limit of [100, 2]) {
        const shares = await own(limit);
        expect(ids(shares), `limit ${limit}`).toEqual(ids(live));
        expect(shares).toEqual(live.map(stored));
      }
    });
  });

  it("orders shares made milliseconds apart: each gets a later timestamp and is listed before the last", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const burst: CreatedShare[] = [];
    for (let i = 0; i < 5; i++) {
      await clock.advance(10); // distinct milliseconds, most likely within one second
      burst.unshift(await createShare(t.target, factory.createBody()));
    }
    const times = burst.map((s) => s.timestamp);
    for (let i = 1; i < times.length; i++) expect(times[i - 1]).toBeGreaterThan(times[i]!);
    live = [...burst, ...live];
    expect(ids(await own())).toEqual(ids(live));
  });

  it("pages with cursors through every share exactly once, newest first throughout", async (ctx) => {
    const more = await Promise.all(
      Array.from({ length: 20 }, () => createShare(t.target, factory.createBody())),
    );
    live = byKeyOrder([...more, ...live]);
    await t.eventually(ctx, "every new share is listed once", async () => {
      const { shares, pages } = await listAll(t.target, 7);
      expect(pages).toBeGreaterThanOrEqual(4);
      expect(new Set(ids(shares)).size).toBe(shares.length);
      const mine = t.target.own.only(shares);
      expect(ids(mine)).toEqual(ids(live));
      const times = mine.map((s) => s.timestamp);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });
  });

  it("bounds limit to 1..100 and defaults to 20", async () => {
    for (const bad of ["0", "101", "abc", "1.5", "-3"]) {
      const res = await t.target.fetch(`/api/shares?limit=${bad}`);
      await expectError(res, 400, "validation_failed");
    }
    const total = (await listAll(t.target)).shares.length;
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
    // Past the read cache, so a page that read values would have to ask KV for them.
    await t.target.control.clock?.advance(windows.readCacheMs + 1000);
    const before = await monitoring(t.target);
    expect((await listPage(t.target, { limit: 20 })).status).toBe(200);
    const after = await monitoring(t.target);
    expect(after.kv.reads - before.kv.reads).toBe(0);
    expect(after.kv.lists - before.kv.lists).toBe(1);
  });

  it("lists and reads in full a share whose fields do not fit KV's 1024-byte metadata", async (ctx) => {
    const long = factory.createBody({
      prompt: `${"a very detailed prompt about a lighthouse at dusk, ".repeat(30)}end`,
    });
    const created = await createShare(t.target, long);
    live = byKeyOrder([created, ...live]);
    await t.eventually(ctx, "the long share is listed in full", async () => {
      const listed = (await own()).find((s) => s.id === created.id);
      expect(listed).toEqual(stored(created));
      expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    });
  });

  it(
    caps.readsKvRecords
      ? "includes legacy records indexed by share:list after the new ones, oldest last"
      : "does not list records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const legacyFactory = createShareFactory(3304, { now: await clock.now() });
      const legacy = Array.from({ length: 3 }, () => legacyFactory.legacyShare());
      for (const share of legacy) {
        const entry = legacyFactory.legacyEntry(share);
        await kv.put(entry.key, entry.value, { expiration: entry.expiration! });
        t.target.own.add(share.id);
      }
      // The guide's index also names a share whose record is gone: it must not appear.
      const gone = legacyFactory.legacyShare();
      await kv.put("share:list", JSON.stringify([...ids(legacy), gone.id]), {
        expirationTtl: 3600,
      });
      // The isolate's inventory (which holds legacy records) is cached for up to 60 s.
      await clock.advance(windows.edgeCacheMs + 1000);

      const { shares } = await listAll(t.target, 4);
      if (!t.target.capabilities.readsKvRecords) {
        expect(ids(t.target.own.only(shares))).toEqual(ids(live));
        return;
      }
      const newestFirst = [...legacy].sort((a, b) => b.timestamp - a.timestamp);
      expect(ids(t.target.own.only(shares))).toEqual([...ids(live), ...ids(newestFirst)]);
      expect(shares.slice(-legacy.length)).toEqual(newestFirst);
      expect(ids(shares)).not.toContain(gone.id);
      expect(ids(shares)).not.toContain("list");
      expect((await monitoring(t.target)).shares.legacy).toBe(legacy.length);
      for (const share of legacy) t.target.own.forget(share.id);
      await Promise.all(legacy.map((s) => kv.delete(`share:${s.id}`)));
    },
  );

  it("skips a corrupt record instead of failing the whole list, and counts it", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    await kv.put("share:corruptrecord0", "{not json", { expirationTtl: 3600 });
    // The isolate's inventory (which reads records without metadata) is cached for up to 60 s.
    await clock.advance(windows.edgeCacheMs + 1000);
    const { shares } = await listAll(t.target, 4);
    expect(ids(shares)).not.toContain("corruptrecord0");
    expect(ids(t.target.own.only(shares))).toEqual(ids(live));
    expect((await monitoring(t.target)).corruptRecords).toBe(1);
  });

  it("leaves out a deleted share", async (ctx) => {
    t.requireAdmin(ctx);
    const victim = live[3]!;
    expect(await deleteShare(t.target, victim.id)).toBe(204);
    live = live.filter((s) => s.id !== victim.id);
    await t.eventually(ctx, "the deleted share is no longer listed", async () => {
      const shares = (await listAll(t.target, 6)).shares;
      expect(ids(shares)).not.toContain(victim.id);
      expect(ids(t.target.own.only(shares))).toEqual(ids(live));
    });
  });

  it(
    caps.readsKvRecords
      ? "leaves out a record whose KV expiration has passed"
      : "leaves out nothing it did not create",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
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
        expect(ids(t.target.own.only((await listAll(t.target, limit)).shares))).toEqual(ids(live));
      }
    },
  );

  // Last: the clock only moves forward, and this moves it 30 days.
  it("lists none of its shares once they have all expired after 30 days", async (ctx) => {
    const clock = t.control(ctx, "clock");
    await clock.advance(windows.shareTtlMs + 60_000);
    expect(await own()).toEqual([]);
    if (t.target.freshStore) {
      expect((await listPage(t.target, {})).body).toEqual({ shares: [], cursor: null });
    }
  });
});
