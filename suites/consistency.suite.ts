/**
 * Check 6 of the guide, "数据一致性验证", under the production profile (1 write/s per key, 60 s
 * edge caches) with two isolates: list and get agree, 100 concurrent creates are all listed,
 * deletes, new records and other isolates' caches converge within the documented windows, and a
 * KV outage loses no acknowledged share (reject mode), while in memory-fallback mode pending
 * shares are listed newest first, reach KV after recovery with their 30-day expiry, keep the
 * totals right, and are lost (deliberately visibly) by a restart before the flush.
 * On a target without a clock (wrangler dev, a deployed preview) windows are waited out by
 * polling within the consistency window instead of moving virtual time.
 */
import { describe, expect, it, type TestContext } from "vitest";
import { createShareFactory } from "../fixtures/factories/index.js";
import { encodeCursor } from "../src/shares/list-cursor.js";
import { SHARE_TTL_SECONDS } from "../src/shares/schema.js";
import {
  createShare,
  deleteShare,
  eventually,
  expectError,
  getShare,
  listAll,
  listPage,
  monitoring,
  postKeyed,
  postShare,
  putLegacy,
  stored,
  type CreatedShare,
} from "./support/api.js";
import { capabilities, windows } from "./support/capabilities.js";
import { suiteFactory } from "./support/own-data.js";
import { FALLBACK_MODE_VARS } from "./support/target.js";
import { suiteRun, type TargetHandle, type UseTargetOptions } from "./support/use-target.js";

const { backend, useTarget } = await suiteRun(import.meta.url);
const caps = capabilities[backend];
const factory = suiteFactory(6606);
const ids = (shares: { id: string }[]) => shares.map((s) => s.id);
/** Long enough for every isolate's read cache and KV's edge cache to have expired. */
const CONVERGED_MS = windows.readCacheMs + windows.edgeCacheMs + 1000;

/** Isolates the block can address by number: both on a harness or session, else just one. */
const isolatesOf = (t: TargetHandle) => (t.target.isolates >= 2 ? [0, 1] : [0]);

describe(`consistency [${backend}]`, () => {
  const t = useTarget({ isolates: 2, profile: "production" });
  /** Isolate to write through: spread over both when they share a store. */
  const writer = (i: number) => (caps.sharedAcrossIsolates && t.target.isolates >= 2 ? i % 2 : 0);
  /** Move virtual time past KV's edge window where there is a clock; else checks poll. */
  const pastEdgeWindow = async () => t.target.control.clock?.advance(windows.edgeCacheMs + 1000);

  it("lists every created share and every listed share is gettable with the same data", async (ctx) => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createShare(t.target, factory.createBody(), writer(i))),
    );
    await pastEdgeWindow();
    for (const isolate of isolatesOf(t)) {
      const visible = caps.sharedAcrossIsolates || isolate === 0;
      const mine = new Set(ids(created));
      await t.eventually(ctx, `isolate ${isolate} lists the new shares`, async () => {
        const shares = (await listAll(t.target, 5, isolate)).shares.filter((s) => mine.has(s.id));
        if (!visible) {
          expect(shares).toEqual([]);
          return;
        }
        expect(shares).toHaveLength(created.length);
        expect(new Set(ids(shares))).toEqual(mine);
        for (const share of shares) {
          const read = await getShare(t.target, share.id, isolate);
          expect(read.status).toBe(200);
          expect(read.body).toEqual(share);
        }
      });
    }
  });

  it("answers 400 invalid_cursor to a well-formed cursor holding a KV cursor KV never issued", async (ctx) => {
    // Production KV (and the harness's production profile) refuses such a cursor; Miniflare alone
    // and the memory backend read any text as one, so there is nothing to refuse.
    t.require(
      ctx,
      backend === "kv" && t.target.kind !== "url" && t.target.profile === "production",
      "only KV with production cursors refuses a cursor it did not issue",
    );
    await createShare(t.target, factory.createBody());
    const forged = encodeCursor({ p: "kv", c: "Zm9yZ2VkLWN1cnNvcg" });
    await expectError(await t.target.fetch(`/api/shares?cursor=${forged}`), 400, "invalid_cursor");
    expect((await listPage(t.target, { limit: 1 })).status).toBe(200);
  });

  it("reads its own write at once where it was written: the new share is gettable and listed", async (ctx) => {
    t.require(ctx, !t.target.eventual, "a deployed Worker may send the next request elsewhere");
    const created = await createShare(t.target, factory.createBody(), 0);
    expect((await getShare(t.target, created.id, 0)).body).toEqual(stored(created));
    const first = await listPage(t.target, { limit: 1 }, 0);
    expect(ids(first.body.shares)).toEqual([created.id]);
  });

  it(
    caps.sharedAcrossIsolates
      ? "shows a share created in one isolate in the other within the edge-cache window"
      : "keeps shares in the isolate that created them: other isolates never see them",
    async (ctx) => {
      t.requireIsolates(ctx, 2);
      const clock = t.control(ctx, "clock");
      const created = await createShare(t.target, factory.createBody(), 0);
      await clock.advance(windows.edgeCacheMs + 1000);
      const other = await getShare(t.target, created.id, 1);
      if (!caps.sharedAcrossIsolates) {
        expect(other.status).toBe(404);
        return;
      }
      expect(other.status).toBe(200);
      expect(other.body).toEqual(stored(created));
    },
  );

  it("lists all of 100 concurrent creates exactly once, and shares.total equals the count listed", async (ctx) => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postShare(t.target, factory.createBody(), writer(i))),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const created = results.map((r) => r.body.id);
    await pastEdgeWindow();
    for (const isolate of caps.sharedAcrossIsolates ? isolatesOf(t) : [0]) {
      await t.eventually(ctx, `isolate ${isolate} lists all 100 creates once`, async () => {
        const { shares } = await listAll(t.target, 100, isolate);
        const listed = ids(shares);
        expect(new Set(listed).size).toBe(listed.length);
        const mine = new Set(ids(t.target.own.only(shares)));
        expect(created.filter((id) => !mine.has(id))).toEqual([]);
        if (t.target.freshStore) {
          expect((await monitoring(t.target, isolate)).shares.total).toBe(listed.length);
        }
      });
    }
  });

  it("makes a delete disappear at once in the deleting isolate and within the window in others", async (ctx) => {
    t.requireAdmin(ctx);
    const created = await createShare(t.target, factory.createBody(), 0);
    await pastEdgeWindow();
    // Every isolate reads it, so each holds it in its cache.
    for (const isolate of isolatesOf(t)) {
      await t.eventually(ctx, `isolate ${isolate} reads the new share`, async () => {
        const expected = caps.sharedAcrossIsolates || isolate === 0 ? 200 : 404;
        expect((await getShare(t.target, created.id, isolate)).status).toBe(expected);
      });
    }

    expect(await deleteShare(t.target, created.id, 0)).toBe(204);
    if (!t.target.eventual) {
      expect((await getShare(t.target, created.id, 0)).status).toBe(404);
      expect(ids((await listAll(t.target, 100, 0)).shares)).not.toContain(created.id);
    }

    await t.target.control.clock?.advance(CONVERGED_MS);
    for (const isolate of isolatesOf(t)) {
      await t.eventually(ctx, `isolate ${isolate} no longer has the deleted share`, async () => {
        expect((await getShare(t.target, created.id, isolate)).status).toBe(404);
        expect(ids((await listAll(t.target, 100, isolate)).shares)).not.toContain(created.id);
      });
    }
  });

  it("keeps a long share deleted where it was only listed when its create is retried with its key", async (ctx) => {
    t.requireAdmin(ctx);
    t.requireIsolates(ctx, 2);
    t.require(
      ctx,
      caps.sharedAcrossIsolates,
      "the memory backend keeps each isolate's shares apart",
    );
    // Too long for KV's 1024-byte metadata: a list reads its value in bulk.
    const base = factory.createBody();
    const body = { ...base, prompt: `${base.prompt} ${"long ".repeat(240)}`.trim() };
    const key = `long-${crypto.randomUUID()}`;
    const first = await postKeyed(t.target, body, key, 0);
    expect(first.status).toBe(201);
    await pastEdgeWindow();
    // Isolate 1 has only listed it (no read of the share itself) when it deletes it.
    await t.eventually(ctx, "isolate 1 lists the new share", async () => {
      expect(ids((await listAll(t.target, 100, 1)).shares)).toContain(first.body.id);
    });
    expect(await deleteShare(t.target, first.body.id, 1)).toBe(204);
    await t.target.control.clock?.advance(2000); // past KV's one write per second to a key
    const retry = await postKeyed(t.target, body, key, 1);
    expect([retry.status, retry.body.id]).toEqual([201, first.body.id]);
    await t.target.control.clock?.advance(CONVERGED_MS);
    for (const isolate of isolatesOf(t)) {
      await t.eventually(ctx, `isolate ${isolate} no longer has the deleted share`, async () => {
        expect((await getShare(t.target, first.body.id, isolate)).status).toBe(404);
        expect(ids((await listAll(t.target, 100, isolate)).shares)).not.toContain(first.body.id);
      });
    }
  });

  it(
    caps.readsKvRecords
      ? "serves a record written after an isolate found it missing, once the windows have passed"
      : "never sees records put into KV: the memory backend never reads KV",
    async (ctx) => {
      t.requireIsolates(ctx, 2);
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const legacy = createShareFactory(6609, { now: await clock.now() }).legacyShare();
      // A link opened in another location before the record exists there: a cached miss.
      expect((await getShare(t.target, legacy.id, 1)).status).toBe(404);
      await putLegacy(kv, legacy);
      await clock.advance(CONVERGED_MS);
      for (const isolate of [1, 0]) {
        const read = await getShare(t.target, legacy.id, isolate);
        expect(read.status).toBe(caps.readsKvRecords ? 200 : 404);
        if (caps.readsKvRecords) expect(read.body).toEqual(legacy);
      }
    },
  );

  /** A share record put into KV from outside, expiring 75 s from the virtual now. */
  async function putExpiringSoon(ctx: TestContext, seed: number) {
    const kv = t.control(ctx, "kv");
    const now = await t.control(ctx, "clock").now();
    const f = createShareFactory(seed, { now });
    const share = f.share({ timestamp: now });
    const entry = f.entry(share);
    const expiresAt = Math.floor(now / 1000) + 75;
    await kv.put(entry.key, entry.value, { metadata: entry.metadata, expiration: expiresAt });
    return { share, expiresAt };
  }

  it("never lists an expired share, even from a list page KV still serves from its edge cache", async (ctx) => {
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const { share, expiresAt } = await putExpiringSoon(ctx, 6608);
    // Past any list page cached before the put; the next list caches a page holding the key.
    await clock.advance(windows.edgeCacheMs + 1000);
    expect(ids((await listAll(t.target, 100, 0)).shares)).toContain(share.id);
    // The key expires while that page is still served from isolate 0's edge cache.
    await clock.advance(30_000);
    expect((await clock.now()) / 1000).toBeGreaterThan(expiresAt);
    expect(ids((await listAll(t.target, 100, 0)).shares)).not.toContain(share.id);
  });

  it("counts an expired share no more in shares.total, even from a key list KV still serves from its edge cache", async (ctx) => {
    t.requireAdmin(ctx);
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    t.control(ctx, "kv");
    const victim = await createShare(t.target, factory.createBody(), 0);
    const { expiresAt } = await putExpiringSoon(ctx, 6609);
    // Past the held counts and any cached list page: this count lists the key, and caches it.
    await clock.advance(windows.edgeCacheMs + 1000);
    const before = await monitoring(t.target, 0);
    await clock.advance(30_000);
    expect((await clock.now()) / 1000).toBeGreaterThan(expiresAt);
    // A delete makes the isolate count again, while KV's edge still serves the old key list.
    expect(await deleteShare(t.target, victim.id, 0)).toBe(204);
    const after = await monitoring(t.target, 0);
    expect(after.shares.total).toBe(before.shares.total - 2);
  });

  it("serves a stale copy in another isolate for at most 5 minutes (plus KV's edge window)", async (ctx) => {
    t.requireIsolates(ctx, 2);
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const legacy = createShareFactory(6607, { now: await clock.now() }).legacyShare();
    const put = (prompt: string) => putLegacy(kv, { ...legacy, prompt });
    await put("first version");
    for (const isolate of [0, 1]) {
      expect((await getShare(t.target, legacy.id, isolate)).body.prompt).toBe("first version");
    }
    await clock.advance(2000); // KV allows one write per second per key
    await put("second version");
    await clock.advance(CONVERGED_MS);
    for (const isolate of [0, 1]) {
      expect((await getShare(t.target, legacy.id, isolate)).body.prompt).toBe("second version");
    }
  });
});

describe(`consistency during a KV outage, reject mode [${backend}]`, () => {
  const t = useTarget({ vars: { KV_RETRY_MAX_ATTEMPTS: "2" } });

  it(
    caps.affectedByKvFaults
      ? "loses no acknowledged share: failed writes answer 503 and are never listed"
      : "acknowledges every create: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      await faults.add({ op: "put", kind: "error", status: 503, probability: 0.5, seed: 11 });
      // One after another, so the seeded rule meets the same sequence of writes on every run.
      const results: Awaited<ReturnType<typeof postShare>>[] = [];
      try {
        for (let i = 0; i < 24; i++) results.push(await postShare(t.target, factory.createBody()));
      } finally {
        await faults.clear();
      }
      const acked = results.filter((r) => r.status === 201).map((r) => r.body);
      const refused = results.filter((r) => r.status !== 201);
      if (!caps.affectedByKvFaults) {
        expect(refused).toEqual([]);
      } else {
        expect(acked.length).toBeGreaterThan(0);
        expect(refused.length).toBeGreaterThan(0);
        for (const r of refused) {
          expect(r.status).toBe(503);
          expect(r.body.error?.code).toBe("storage_unavailable");
          expect(r.headers.get("retry-after")).toBe("5");
        }
      }
      const { shares } = await listAll(t.target);
      expect(new Set(ids(shares))).toEqual(new Set(ids(acked)));
      for (const share of acked) {
        expect((await getShare(t.target, share.id)).body).toEqual(stored(share));
      }
      expect((await monitoring(t.target)).shares.total).toBe(acked.length);
    },
  );
});

const FALLBACK_MODE: UseTargetOptions = {
  vars: FALLBACK_MODE_VARS,
  onlyIf: [caps.affectedByKvFaults, "the memory backend never calls KV, so never falls back"],
};

/** The memory fallback mode's steps, on a block's target: an outage, pending creates, the flush. */
function fallbackSteps(t: TargetHandle) {
  const outage = { op: "put", kind: "error", status: 503 } as const;

  /** Run `fn` while every KV write fails. */
  async function duringOutage<T>(ctx: TestContext, fn: () => Promise<T>): Promise<T> {
    const faults = t.control(ctx, "faults");
    await faults.add(outage);
    try {
      return await fn();
    } finally {
      await faults.clear();
    }
  }

  /** `n` creates a second apart, each answered 202 pending; newest first. */
  async function pendingCreates(ctx: TestContext, n: number): Promise<CreatedShare[]> {
    const clock = t.control(ctx, "clock");
    const made: CreatedShare[] = [];
    for (let i = 0; i < n; i++) {
      await clock.advance(1000); // distinct creation times
      const res = await postShare(t.target, factory.createBody());
      expect(res.status).toBe(202);
      expect(res.body.durability).toBe("pending");
      expect(res.body.pending?.confirm.url).toBe(`/api/share/${res.body.id}`);
      expect(res.headers.get("location")).toBe(`/api/share/${res.body.id}`);
      made.unshift(res.body);
    }
    return made;
  }

  /** KV is up again: requests start the flush (in waitUntil) until nothing is pending. */
  async function flushed(ctx: TestContext, shares: CreatedShare[]): Promise<void> {
    const kv = t.control(ctx, "kv");
    await eventually("every pending share reached KV", async () => {
      await t.target.fetch("/healthz");
      const entries = await Promise.all(shares.map((s) => kv.get(`share:${s.id}`)));
      return entries.every((e) => e !== null);
    });
    await eventually("nothing is pending", async () => {
      return (await monitoring(t.target)).kv.pendingWrites === 0;
    });
  }

  return { duringOutage, pendingCreates, flushed };
}

// A block of its own: the check needs a store whose only shares are the pending ones.
describe(`consistency during a KV outage, memory fallback mode, on an empty store [${backend}]`, () => {
  const t = useTarget(FALLBACK_MODE);
  const { duringOutage, pendingCreates, flushed } = fallbackSteps(t);

  it("ends the listing on a page the pending shares fill when KV holds no share after them", async (ctx) => {
    t.requireFreshStore(ctx);
    expect((await listAll(t.target)).shares).toEqual([]);
    const pending = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 2);
      // No cursor to an empty page: a client that pages stops after the two pending shares.
      const page = await listPage(t.target, { limit: 2 });
      expect(page.body).toEqual({ shares: made.map(stored), cursor: null });
      expect(ids((await listAll(t.target, 2)).shares)).toEqual(ids(made));
      return made;
    });
    await flushed(ctx, pending);
  });
});

describe(`consistency during a KV outage, memory fallback mode [${backend}]`, () => {
  const t = useTarget(FALLBACK_MODE);
  const { duringOutage, pendingCreates, flushed } = fallbackSteps(t);

  it("answers 202 pending to every create during the outage and lists them first, newest first", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const before = (await monitoring(t.target)).shares.total;
    const durable: CreatedShare[] = [];
    for (let i = 0; i < 2; i++) {
      await t.control(ctx, "clock").advance(1000);
      durable.unshift(await createShare(t.target, factory.createBody()));
    }
    const pending = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 3);
      for (const share of made) {
        // The isolate holding it says it is not in KV yet.
        expect((await getShare(t.target, share.id)).body).toEqual({
          ...stored(share),
          durability: "pending",
        });
        expect(await kv.get(`share:${share.id}`)).toBeNull();
      }
      const first = await listPage(t.target, { limit: 20 });
      expect(first.body.shares.slice(0, 5)).toEqual([...made, ...durable].map(stored));
      const two = await listPage(t.target, { limit: 2 });
      expect(ids(two.body.shares)).toEqual(ids(made.slice(0, 2)));
      // Pages that end inside the pending shares (more of them than a page of 2 holds) or inside
      // KV's listing after them: every share exactly once, the pending ones first.
      for (const limit of [4, 3, 2]) {
        const { shares } = await listAll(t.target, limit);
        expect(new Set(ids(shares)).size, `limit ${limit}`).toBe(shares.length);
        expect(ids(shares).slice(0, 5), `limit ${limit}`).toEqual(ids([...made, ...durable]));
      }
      // Health says the shares it answered with can still be lost.
      const health = await t.target.fetch("/healthz");
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: "degraded",
        degraded: ["storage"],
        checks: { storage: { status: "recovering", pendingWrites: 3 } },
      });
      const m = await monitoring(t.target);
      expect(m.kv.pendingWrites).toBe(3);
      expect(m.shares).toMatchObject({ pending: 3, total: before + 5 });
      expect(m.kv.fallbacks).toBeGreaterThanOrEqual(3);
      return made;
    });
    await flushed(ctx, pending);
  });

  it("lists every share exactly once when the pending shares are flushed between two pages", async (ctx) => {
    const durable: CreatedShare[] = [];
    for (let i = 0; i < 2; i++) {
      await t.control(ctx, "clock").advance(1000);
      durable.unshift(await createShare(t.target, factory.createBody()));
    }
    const { pending, first } = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 3);
      return { pending: made, first: await listPage(t.target, { limit: 2 }) };
    });
    expect(ids(first.body.shares)).toEqual(ids(pending.slice(0, 2)));
    await flushed(ctx, pending);
    // One not handed out yet is deleted after its flush: the next pages leave it out.
    const gone = pending[2]!;
    expect(await deleteShare(t.target, gone.id)).toBe(204);
    // The client goes on with its cursor: the shares it was handed are not handed out again.
    const shares = [...first.body.shares];
    let cursor = first.body.cursor;
    for (let pages = 0; cursor && pages < 100; pages++) {
      const page = await listPage(t.target, { limit: 2, cursor });
      expect(page.status).toBe(200);
      shares.push(...page.body.shares);
      cursor = page.body.cursor;
    }
    expect(cursor).toBeNull();
    expect(new Set(ids(shares)).size, ids(shares).join(" ")).toBe(shares.length);
    expect(ids(shares).slice(0, 4)).toEqual(ids([...pending.slice(0, 2), ...durable]));
    expect(ids(shares)).not.toContain(gone.id);
  });

  it("writes every pending share to KV once KV recovers, with its 30-day expiry, totals unchanged", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const before = (await monitoring(t.target)).shares.total;
    const pending = await duringOutage(ctx, () => pendingCreates(ctx, 3));
    expect((await monitoring(t.target)).shares.total).toBe(before + 3);
    await flushed(ctx, pending);
    for (const share of pending) {
      const entry = await kv.getWithMetadata(`share:${share.id}`);
      expect(JSON.parse(entry.value!)).toEqual(stored(share));
      expect(entry.metadata).toMatchObject({ v: 1, ts: share.timestamp });
      // 30 days from its creation, like any share, not forever and not from the flush.
      const expected = Math.floor(share.timestamp / 1000) + SHARE_TTL_SECONDS;
      expect(entry.expiration).toBeGreaterThan(expected - 120);
      expect(entry.expiration).toBeLessThanOrEqual(expected + 120);
    }
    const m = await monitoring(t.target);
    expect(m.shares).toMatchObject({ pending: 0, total: before + 3 });
    const listed = (await listAll(t.target)).shares;
    expect(listed.slice(0, 3)).toEqual(pending.map(stored));
  });

  it("keeps a share pending through flush writes that fail while KV is still down", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const logs = t.target.control.logs;
    const seen = (await logs?.all())?.length ?? 0;
    const before = (await monitoring(t.target)).shares.total;
    const share = await duringOutage(ctx, async () => {
      const [made] = await pendingCreates(ctx, 1);
      await counters.reset();
      // Every request tries to flush; each attempt fails while KV is down.
      await eventually("two flush attempts failed", async () => {
        await t.target.fetch("/healthz");
        return (await counters.get()).total.faults >= 2;
      });
      expect((await getShare(t.target, made!.id)).body).toMatchObject({ durability: "pending" });
      expect(ids((await listPage(t.target, { limit: 5 })).body.shares)).toContain(made!.id);
      expect((await monitoring(t.target)).shares).toMatchObject({ pending: 1, total: before + 1 });
      // One share that can still be lost is enough for health to say so.
      const health = await t.target.fetch("/healthz");
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: "degraded",
        degraded: ["storage"],
        checks: { storage: { status: "recovering", pendingWrites: 1 } },
      });
      return made!;
    });
    await flushed(ctx, [share]);
    expect((await getShare(t.target, share.id)).body).toEqual(stored(share));
    expect((await monitoring(t.target)).shares).toMatchObject({ pending: 0, total: before + 1 });
    expect(await (await t.target.fetch("/healthz")).json()).toMatchObject({
      status: "ok",
      degraded: [],
      checks: { storage: { status: "ok", pendingWrites: 0 } },
    });
    if (logs) {
      // Each flush attempt's line names the share's key and KV: the failed ones at level error,
      // then the one that stored it.
      const flushes = (await logs.all())
        .slice(seen)
        .flatMap((line) => (line.json ? [line.json] : []))
        .filter((l) => l.op === "flush" && l.key === `share:${share.id}`);
      const kvLine = { op: "flush", key: `share:${share.id}`, backend: "kv" };
      expect(flushes.at(0)).toMatchObject({ ...kvLine, level: "error", outcome: "error" });
      expect(flushes.at(-1)).toMatchObject({ ...kvLine, level: "info", outcome: "ok" });
    }
  });

  it("keeps the flushed shares across a restart, and counts them", async (ctx) => {
    const restart = t.control(ctx, "restart");
    const before = (await monitoring(t.target)).shares.total;
    const pending = await duringOutage(ctx, () => pendingCreates(ctx, 2));
    await flushed(ctx, pending);
    await restart();
    for (const share of pending) {
      expect((await getShare(t.target, share.id)).body).toEqual(stored(share));
    }
    expect((await monitoring(t.target)).shares.total).toBe(before + 2);
  });

  it("loses a pending share when the isolate restarts before KV recovers (the guide's problem, visible)", async (ctx) => {
    const restart = t.control(ctx, "restart");
    const before = (await monitoring(t.target)).shares.total;
    const [lost] = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 1);
      await restart();
      return made;
    });
    expect((await getShare(t.target, lost!.id)).status).toBe(404);
    expect(ids((await listAll(t.target)).shares)).not.toContain(lost!.id);
    expect((await monitoring(t.target)).shares).toMatchObject({ pending: 0, total: before });
  });

  it("answers a retry with the same Idempotency-Key 202 while the share is pending and 201 once it is in KV", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const body = factory.createBody();
    const key = `suite-pending-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const [first, retry] = await duringOutage(ctx, async () => {
      const made = await postKeyed(t.target, body, key);
      return [made, await postKeyed(t.target, body, key)];
    });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    await flushed(ctx, [first.body]);
    const durable = await postKeyed(t.target, body, key);
    expect(durable.status).toBe(201);
    expect(durable.body.id).toBe(first.body.id);
    expect(durable.body).not.toHaveProperty("durability");
    expect(JSON.parse((await kv.get(`share:${first.body.id}`))!)).toEqual(stored(first.body));
    expect((await listAll(t.target)).shares.filter((s) => s.prompt === body.prompt)).toHaveLength(
      1,
    );
    // Deleted once durable, a retry of its create does not bring it back.
    if (t.target.adminToken) {
      expect(await deleteShare(t.target, first.body.id)).toBe(204);
      const after = await postKeyed(t.target, body, key);
      expect(after.headers.get("idempotent-replayed")).toBe("true");
      expect((await getShare(t.target, first.body.id)).status).toBe(404);
    }
  });

  it("deletes a pending share for good: it is not written when KV recovers", async (ctx) => {
    const kv = t.control(ctx, "kv");
    t.requireAdmin(ctx);
    const [victim] = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 1);
      expect(await deleteShare(t.target, made[0]!.id)).toBe(204);
      return made;
    });
    await eventually("nothing is pending", async () => {
      await t.target.fetch("/healthz");
      return (await monitoring(t.target)).kv.pendingWrites === 0;
    });
    expect(await kv.get(`share:${victim!.id}`)).toBeNull();
    expect((await getShare(t.target, victim!.id)).status).toBe(404);
  });

  it("expires a share pending through a two-hour outage 30 days after its create, not its flush", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const pending = await duringOutage(ctx, async () => {
      const made = await pendingCreates(ctx, 1);
      await clock.advance(2 * 3600_000);
      return made;
    });
    await flushed(ctx, pending);
    const share = pending[0]!;
    await clock.advance(share.timestamp + windows.shareTtlMs + 60_000 - (await clock.now()));
    // Gone everywhere at once: a listed share whose link answers 404 would be a broken link.
    expect((await getShare(t.target, share.id)).status).toBe(404);
    expect(ids((await listAll(t.target)).shares)).not.toContain(share.id);
  });

  it("expires the flushed shares 30 days after they were created", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const pending = await duringOutage(ctx, () => pendingCreates(ctx, 2));
    await flushed(ctx, pending);
    const oldest = Math.min(...pending.map((s) => s.timestamp));
    await clock.advance(oldest + windows.shareTtlMs + 60_000 - (await clock.now()));
    for (const share of pending) expect((await getShare(t.target, share.id)).status).toBe(404);
    const mine = new Set(ids(pending));
    expect((await listAll(t.target)).shares.filter((s) => mine.has(s.id))).toEqual([]);
    // Every share in this block's store was made before the jump, so none is counted.
    if (t.target.freshStore) expect((await monitoring(t.target)).shares.total).toBe(0);
  });
});

describe(`consistency during a KV outage, memory fallback mode, two isolates [${backend}]`, () => {
  const t = useTarget({
    isolates: 2,
    vars: FALLBACK_MODE_VARS,
    onlyIf: [caps.affectedByKvFaults, "the memory backend never calls KV, so never falls back"],
  });

  it("holds a pending share in the isolate that answered: others answer 404 until it is in KV", async (ctx) => {
    const faults = t.control(ctx, "faults");
    const clock = t.control(ctx, "clock");
    t.requireIsolates(ctx, 2);
    await faults.add({ op: "put", kind: "error", status: 503 });
    let pending: Awaited<ReturnType<typeof postShare>>;
    try {
      pending = await postShare(t.target, factory.createBody(), 0);
      expect(pending.status).toBe(202);
      expect((await getShare(t.target, pending.body.id, 1)).status).toBe(404);
      expect(ids((await listAll(t.target, 100, 1)).shares)).not.toContain(pending.body.id);
      expect((await getShare(t.target, pending.body.id, 0)).body).toMatchObject({
        durability: "pending",
      });
    } finally {
      await faults.clear();
    }
    const id = pending.body.id;
    // KV is back: the next request to the isolate holding it writes it.
    await eventually("the pending share reached KV", async () => {
      await t.target.fetch("/healthz", {}, 0);
      return (await monitoring(t.target, 0)).kv.pendingWrites === 0;
    });
    // Past the other isolate's cached miss and KV's edge cache.
    await clock.advance(CONVERGED_MS);
    const elsewhere = await getShare(t.target, id, 1);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toEqual(stored(pending.body));
    expect(ids((await listAll(t.target, 100, 1)).shares)).toContain(id);
  });
});
