/**
 * Check 6 of the guide, "数据一致性验证", under the production profile (1 write/s per key, 60 s
 * edge caches) with two isolates: list and get agree, 100 concurrent creates are all listed,
 * deletes and other isolates' caches converge within the documented windows, and a KV outage
 * loses no acknowledged share (reject mode) while pending shares reach KV after recovery
 * (memory fallback mode).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index";
import {
  createShare,
  deleteShare,
  eventually,
  getShare,
  listAll,
  monitoring,
  postShare,
  stored,
  type CreatedShare,
} from "./support/api";
import { capabilities, windows } from "./support/capabilities";
import { suiteFactory } from "./support/own-data";
import { suiteBackend, useTarget } from "./support/use-target";

const backend = suiteBackend();
const caps = capabilities[backend];
const factory = suiteFactory(6606);
const ids = (shares: { id: string }[]) => shares.map((s) => s.id);
/** Long enough for every isolate's read cache and KV's edge cache to have expired. */
const CONVERGED_MS = windows.readCacheMs + windows.edgeCacheMs + 1000;

describe(`consistency [${backend}]`, () => {
  const t = useTarget({ isolates: 2, profile: "production" });
  // These checks compare against the whole store.
  beforeEach((ctx) => t.requireFreshStore(ctx));
  /** Isolate to write through: spread over both when they share a store. */
  const writer = (i: number) => (caps.sharedAcrossIsolates ? i % 2 : 0);

  it("lists every created share and every listed share is gettable with the same data", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createShare(t.target, factory.createBody(), writer(i))),
    );
    await clock.advance(windows.edgeCacheMs + 1000);
    for (const isolate of [0, 1]) {
      const { shares } = await listAll(t.target, 5, isolate);
      const visible = caps.sharedAcrossIsolates || isolate === 0;
      if (!visible) {
        expect(shares).toEqual([]);
        continue;
      }
      expect(new Set(ids(shares))).toEqual(new Set(ids(created)));
      for (const share of shares) {
        const read = await getShare(t.target, share.id, isolate);
        expect(read.status).toBe(200);
        expect(read.body).toEqual(share);
      }
    }
  });

  it(
    caps.sharedAcrossIsolates
      ? "shows a share created in one isolate in the other within the edge-cache window"
      : "keeps shares in the isolate that created them: other isolates never see them",
    async (ctx) => {
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
    const clock = t.control(ctx, "clock");
    const before = new Set(ids((await listAll(t.target, 100, 0)).shares));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postShare(t.target, factory.createBody(), writer(i))),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const created = results.map((r) => r.body.id);
    await clock.advance(windows.edgeCacheMs + 1000);
    for (const isolate of caps.sharedAcrossIsolates ? [0, 1] : [0]) {
      const { shares } = await listAll(t.target, 100, isolate);
      const listed = ids(shares);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.filter((id) => !before.has(id)).sort()).toEqual([...created].sort());
      expect((await monitoring(t.target, isolate)).shares.total).toBe(listed.length);
    }
  });

  it("makes a delete disappear at once in the deleting isolate and within the window in others", async (ctx) => {
    const clock = t.control(ctx, "clock");
    t.requireAdmin(ctx);
    const created = await createShare(t.target, factory.createBody(), 0);
    await clock.advance(windows.edgeCacheMs + 1000);
    // Both isolates read it, so each holds it in its cache.
    expect((await getShare(t.target, created.id, 0)).status).toBe(200);
    expect((await getShare(t.target, created.id, 1)).status).toBe(
      caps.sharedAcrossIsolates ? 200 : 404,
    );

    expect(await deleteShare(t.target, created.id, 0)).toBe(204);
    expect((await getShare(t.target, created.id, 0)).status).toBe(404);
    expect(ids((await listAll(t.target, 100, 0)).shares)).not.toContain(created.id);

    await clock.advance(CONVERGED_MS);
    for (const isolate of [0, 1]) {
      expect((await getShare(t.target, created.id, isolate)).status).toBe(404);
      expect(ids((await listAll(t.target, 100, isolate)).shares)).not.toContain(created.id);
    }
  });

  it("never lists an expired share, even from a list page KV still serves from its edge cache", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const now = await clock.now();
    const f = createShareFactory(6608, { now });
    const share = f.share({ timestamp: now });
    const entry = f.entry(share);
    const expiresAt = Math.floor(now / 1000) + 75;
    await kv.put(entry.key, entry.value, { metadata: entry.metadata, expiration: expiresAt });
    // Past any list page cached before the put; the next list caches a page holding the key.
    await clock.advance(windows.edgeCacheMs + 1000);
    expect(ids((await listAll(t.target, 100, 0)).shares)).toContain(share.id);
    // The key expires while that page is still served from isolate 0's edge cache.
    await clock.advance(30_000);
    expect((await clock.now()) / 1000).toBeGreaterThan(expiresAt);
    expect(ids((await listAll(t.target, 100, 0)).shares)).not.toContain(share.id);
  });

  it("serves a stale copy in another isolate for at most 5 minutes (plus KV's edge window)", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    const legacy = createShareFactory(6607, { now: await clock.now() }).legacyShare();
    const put = (prompt: string) =>
      kv.put(`share:${legacy.id}`, JSON.stringify({ ...legacy, prompt }), {
        expiration: Math.floor((legacy.timestamp + windows.shareTtlMs) / 1000),
      });
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
  // These checks compare against the whole store.
  beforeEach((ctx) => t.requireFreshStore(ctx));

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
      const listed = new Set(ids((await listAll(t.target)).shares));
      for (const share of acked) {
        expect(listed.has(share.id)).toBe(true);
        expect((await getShare(t.target, share.id)).body).toEqual(stored(share));
      }
      expect(listed.size).toBe(acked.length);
      expect((await monitoring(t.target)).shares.total).toBe(acked.length);
    },
  );
});

describe(`consistency during a KV outage, memory fallback mode [${backend}]`, () => {
  const t = useTarget({
    vars: { KV_WRITE_FALLBACK: "memory", KV_RETRY_MAX_ATTEMPTS: "2" },
    onlyIf: [caps.affectedByKvFaults, "the memory backend never calls KV, so never falls back"],
  });

  it("answers 202 pending during the outage and writes the share to KV once KV recovers", async (ctx) => {
    const faults = t.control(ctx, "faults");
    const kv = t.control(ctx, "kv");
    const restart = t.control(ctx, "restart");
    let pending: CreatedShare;
    await faults.add({ op: "put", kind: "error", status: 503 });
    try {
      const res = await postShare(t.target, factory.createBody());
      expect(res.status).toBe(202);
      expect(res.body.durability).toBe("pending");
      pending = res.body;
      expect((await getShare(t.target, pending.id)).body).toEqual(stored(pending));
      expect(ids((await listAll(t.target)).shares)).toContain(pending.id);
      expect(await kv.get(`share:${pending.id}`)).toBeNull();
      const m = await monitoring(t.target);
      expect(m.kv.pendingWrites).toBe(1);
      expect(m.kv.fallbacks).toBeGreaterThanOrEqual(1);
    } finally {
      await faults.clear();
    }
    // Any request after recovery starts the flush (in waitUntil).
    await t.target.fetch("/healthz");
    await eventually("the pending share reached KV", async () => {
      await t.target.fetch("/healthz");
      return (await kv.get(`share:${pending.id}`)) !== null;
    });
    expect(JSON.parse((await kv.get(`share:${pending.id}`))!)).toEqual(stored(pending));
    expect((await monitoring(t.target)).kv.pendingWrites).toBe(0);
    await restart();
    expect((await getShare(t.target, pending.id)).body).toEqual(stored(pending));
  });
});
