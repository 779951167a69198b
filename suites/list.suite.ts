/**
 * Check 3 of the guide, "分享列表获取": newest first, cursor paging that returns every share exactly
 * once, limit bounds, the empty store, legacy records from the guide's `share:list` era, and
 * deleted or expired shares left out.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index";
import type { ShareData } from "../src/shares/schema";
import { createShare, deleteShare, listAll, listPage, type CreatedShare } from "./support/api";
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
  // These checks compare against the whole store.
  beforeEach((ctx) => t.requireFreshStore(ctx));
  /** Every share this block created and did not delete, newest first. */
  let live: CreatedShare[] = [];

  it("answers an empty page with a null cursor on an empty store", async () => {
    const page = await listPage(t.target, {});
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ shares: [], cursor: null });
  });

  it("lists shares newest first", async (ctx) => {
    const clock = t.control(ctx, "clock");
    for (let i = 0; i < 5; i++) {
      live.unshift(await createShare(t.target, factory.createBody()));
      await clock.advance(1000); // distinct creation times
    }
    const { shares } = await listAll(t.target);
    expect(ids(shares)).toEqual(ids(live));
    const times = shares.map((s) => s.timestamp);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("pages with cursors through every share exactly once", async () => {
    const more = await Promise.all(
      Array.from({ length: 20 }, () => createShare(t.target, factory.createBody())),
    );
    live = byKeyOrder([...more, ...live]);
    const { shares, pages } = await listAll(t.target, 7);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(shares).toHaveLength(live.length);
    expect(new Set(ids(shares)).size).toBe(shares.length);
    expect(new Set(ids(shares))).toEqual(new Set(ids(live)));
  });

  it("bounds limit to 1..100 and defaults to 20", async () => {
    for (const bad of ["0", "101", "abc", "1.5", "-3"]) {
      const res = await t.target.fetch(`/api/shares?limit=${bad}`);
      expect(res.status, `limit=${bad}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        "validation_failed",
      );
    }
    expect((await listPage(t.target, { limit: 1 })).body.shares).toHaveLength(1);
    expect((await listPage(t.target, { limit: 100 })).body.shares).toHaveLength(live.length);
    expect((await listPage(t.target, {})).body.shares).toHaveLength(Math.min(20, live.length));
  });

  it("rejects a tampered cursor with 400 invalid_cursor", async () => {
    const res = await t.target.fetch("/api/shares?cursor=not-a-cursor");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_cursor");
  });

  it(
    capabilities[backend].readsKvRecords
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
        expect(ids(shares)).toEqual(ids(live));
        return;
      }
      const newestFirst = [...legacy].sort((a, b) => b.timestamp - a.timestamp);
      expect(ids(shares)).toEqual([...ids(live), ...ids(newestFirst)]);
      expect(shares.slice(live.length)).toEqual(newestFirst);
      expect(ids(shares)).not.toContain(gone.id);
      expect(ids(shares)).not.toContain("list");
    },
  );

  it("skips a corrupt record instead of failing the whole list, and counts it", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const before = ids((await listAll(t.target, 100)).shares);
    await kv.put("share:corruptrecord0", "{not json", { expirationTtl: 3600 });
    // The isolate's inventory (which reads records without metadata) is cached for up to 60 s.
    await clock.advance(windows.edgeCacheMs + 1000);
    const { shares } = await listAll(t.target, 4);
    expect(ids(shares)).toEqual(before);
    const monitoring = await t.target.fetch("/api/monitoring");
    expect(monitoring.status).toBe(200);
    expect(((await monitoring.json()) as { corruptRecords: number }).corruptRecords).toBe(1);
  });

  it("leaves out a deleted share", async (ctx) => {
    t.requireAdmin(ctx);
    const victim = live[3]!;
    expect(await deleteShare(t.target, victim.id)).toBe(204);
    live = live.filter((s) => s.id !== victim.id);
    const { shares } = await listAll(t.target, 6);
    expect(ids(shares)).not.toContain(victim.id);
    expect(ids(shares).slice(0, live.length)).toEqual(ids(live));
  });

  it(
    capabilities[backend].readsKvRecords
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
    },
  );

  // Last: the clock only moves forward, and this moves it 30 days.
  it("lists nothing once every share has expired after 30 days", async (ctx) => {
    const clock = t.control(ctx, "clock");
    await clock.advance(windows.shareTtlMs + 60_000);
    expect((await listPage(t.target, {})).body).toEqual({ shares: [], cursor: null });
  });
});
