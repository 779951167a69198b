/**
 * Check 4 of the guide, "监控信息获取": `/api/monitoring` counters move exactly with the operations
 * done, `shares.total` is right straight after a restart, errors and fallbacks show up under
 * injected KV faults, and `shares.r2Stored` counts the images copied into R2.
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index.js";
import {
  createShare,
  deleteShare,
  eventually,
  expectError,
  failingImageHost,
  getPage,
  getShare,
  imageHost,
  listAll,
  listPage,
  monitoring,
  postShare,
  stored,
  type CreatedShare,
  type Monitoring,
} from "./support/api.js";
import { HEALTH_PROBE_WINDOW_MS } from "../src/health/check.js";
import { capabilities, windows } from "./support/capabilities.js";
import { suiteFactory } from "./support/own-data.js";
import { suiteRun } from "./support/use-target.js";

const { backend, useTarget } = await suiteRun(import.meta.url);
const caps = capabilities[backend];
const factory = suiteFactory(4404);

const delta = (a: Monitoring, b: Monitoring) => ({
  total: b.shares.total - a.shares.total,
  r2Stored: b.shares.r2Stored - a.shares.r2Stored,
  reads: b.kv.reads - a.kv.reads,
  writes: b.kv.writes - a.kv.writes,
  deletes: b.kv.deletes - a.kv.deletes,
  lists: b.kv.lists - a.kv.lists,
  errors: b.kv.errors - a.kv.errors,
  retries: b.kv.retries - a.kv.retries,
  fallbacks: b.kv.fallbacks - a.kv.fallbacks,
  cacheHits: b.cache.hits - a.cache.hits,
});

/** `kv.errorRate` as the counters beside it define it: errors per KV operation of this isolate. */
const errorRateOf = (m: Monitoring) => {
  const operations = m.kv.reads + m.kv.writes + m.kv.deletes + m.kv.lists;
  return operations === 0 ? 0 : m.kv.errors / operations;
};

describe(`monitoring [${backend}]`, () => {
  const t = useTarget();

  it("reports the backend serving the requests", async () => {
    expect((await monitoring(t.target)).backend).toBe(backend);
  });

  it("moves its counters exactly with the creates, reads and lists done", async (ctx) => {
    t.requireOneLocation(ctx);
    await t.target.control.counters?.reset();
    const before = await monitoring(t.target);
    const created = await Promise.all(
      [1, 2, 3].map(() => createShare(t.target, factory.createBody())),
    );
    for (const share of created) {
      for (let i = 0; i < 2; i++) expect((await getShare(t.target, share.id)).status).toBe(200);
    }
    // A page of just these three (the newest): older shares other checks left, such as a long one
    // a list reads in bulk, stay off it.
    expect((await listPage(t.target, { limit: created.length })).status).toBe(200);
    const after = await monitoring(t.target);
    const cached = t.target.capabilities.readCache;
    expect(delta(before, after)).toEqual({
      total: 3,
      r2Stored: 0,
      // The KV backend answers reads of its own fresh writes from the isolate cache.
      reads: cached ? 0 : 6,
      writes: 3,
      deletes: 0,
      lists: 1,
      errors: 0,
      retries: 0,
      fallbacks: 0,
      cacheHits: cached ? 6 : 0,
    });
    expect(after.kv.errorRate).toBeCloseTo(errorRateOf(after), 10);
    // The isolate's start, not the last request's.
    expect(after.isolateStartedAt).toBe(before.isolateStartedAt);
    const lookups = after.cache.hits + after.cache.misses;
    expect(after.cache.hitRate).toBeCloseTo(lookups === 0 ? 0 : after.cache.hits / lookups, 10);
    // The KV backend cached the three shares it wrote; the memory backend has no read cache.
    expect(after.cache.size).toBe(cached ? before.cache.size + 3 : 0);
    expect(after.cache.maxSize).toBe(1000);
    for (const op of ["get", "put", "list"] as const) {
      const { p50, p95, max } = after.latencyMs[op];
      expect(0 <= p50 && p50 <= p95 && p95 <= max, `${op}: ${p50} ${p95} ${max}`).toBe(true);
    }
    if (t.target.control.counters) {
      const counters = t.control(ctx, "counters");
      expect((await counters.get()).total.faults).toBe(0);
    }
  });

  it("reports each operation's latency under its name, its max the slowest call", async (ctx) => {
    const faults = t.control(ctx, "faults");
    t.requireOneLocation(ctx);
    t.require(ctx, caps.affectedByKvFaults, "the memory backend never calls KV");
    // Two lists KV answers slowly, 100 ms and then 30 ms: the slowest sets list's max.
    for (const ms of [100, 30]) {
      await faults.add({ op: "list", kind: "latency", ms });
      try {
        expect((await listPage(t.target, { limit: 1 })).status).toBe(200);
      } finally {
        await faults.clear();
      }
    }
    const { latencyMs } = await monitoring(t.target);
    expect(latencyMs.list.max).toBeGreaterThanOrEqual(100);
    for (const op of ["get", "put", "list"] as const) {
      const { p50, p95, max } = latencyMs[op];
      expect(0 <= p50 && p50 <= p95 && p95 <= max, `${op}: ${p50} ${p95} ${max}`).toBe(true);
    }
  });

  it("counts a delete in kv.deletes and drops the share from shares.total at once", async (ctx) => {
    t.requireOneLocation(ctx);
    t.requireAdmin(ctx);
    const created = await createShare(t.target, factory.createBody());
    const before = await monitoring(t.target);
    expect(await deleteShare(t.target, created.id)).toBe(204);
    // The deleting isolate knows the share is gone: its reads are answered without KV.
    for (let i = 0; i < 2; i++) {
      await expectError(await t.target.fetch(`/api/share/${created.id}`), 404, "not_found");
    }
    const after = await monitoring(t.target);
    const cached = t.target.capabilities.readCache;
    expect(delta(before, after)).toMatchObject({
      total: -1,
      deletes: 1,
      writes: 0,
      // The delete's own read of the record, then the two reads: all from the cache.
      reads: cached ? 0 : 3,
      cacheHits: cached ? 3 : 0,
    });
  });

  it(
    caps.readsKvRecords
      ? "answers anonymous callers from the held count (stale after 60 s) and rescans KV for the admin token"
      : "never counts records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      t.requireAdmin(ctx);
      const anonymous = async (authorization?: string) => {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        const res = await t.target.fetch("/api/monitoring", { headers });
        expect(res.status).toBe(200);
        return (await res.json()) as Monitoring;
      };
      const counted = await monitoring(t.target);
      expect(counted.shares.stale).toBe(false);
      expect(counted.shares.countedAt).toBeDefined();
      // This isolate's own create keeps the held count current, without a scan.
      await createShare(t.target, factory.createBody());
      expect((await anonymous()).shares).toMatchObject({
        total: counted.shares.total + 1,
        stale: false,
        countedAt: counted.shares.countedAt,
      });
      // Another location writes a share: this isolate only learns of it from a new scan.
      const now = await clock.now();
      const f = createShareFactory(4405, { now });
      const entry = f.entry(f.share({ timestamp: now }));
      await kv.put(entry.key, entry.value, { metadata: entry.metadata, expirationTtl: 86_400 });
      await clock.advance(61_000);
      // A bearer token that is not the admin's is no admin: it gets the held count too.
      for (const authorization of [
        undefined,
        "Bearer wrong-token",
        `Bearer ${t.target.adminToken}x`,
      ]) {
        expect((await anonymous(authorization)).shares, authorization).toMatchObject({
          total: counted.shares.total + 1,
          stale: true,
          countedAt: counted.shares.countedAt,
        });
      }
      const rescanned = await monitoring(t.target);
      expect(rescanned.shares.total).toBe(
        counted.shares.total + 1 + (t.target.capabilities.readsKvRecords ? 1 : 0),
      );
      expect(rescanned.shares.stale).toBe(false);
      expect(Date.parse(rescanned.shares.countedAt!)).toBeGreaterThan(
        Date.parse(counted.shares.countedAt!),
      );
      expect((await anonymous()).shares).toMatchObject({
        total: rescanned.shares.total,
        stale: false,
      });
    },
  );

  it("names corrupt records with their reasons, and counts every one", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.readsKvRecords, "the memory backend never reads KV");
    await kv.put("share:corruptmonitor1", "{not json", { expirationTtl: 3600 });
    await kv.put("share:corrupt monitor 2", JSON.stringify({ id: "x" }), { expirationTtl: 3600 });
    await clock.advance(61_000);
    const m = (await monitoring(t.target)) as Monitoring & {
      corrupt: { records: number; capped: boolean; keys: { key: string; reason: string }[] };
    };
    const named = new Map(m.corrupt.keys.map((k) => [k.key, k.reason]));
    expect(named.get("share:corruptmonitor1")).toEqual(expect.any(String));
    expect(named.get("share:corrupt monitor 2")).toMatch(/not a share id/);
    expect(m.corrupt.records).toBe(m.corruptRecords);
    expect(m.corruptRecords).toBeGreaterThanOrEqual(2);
    expect(m.corrupt.capped).toBe(false);
    await kv.delete("share:corruptmonitor1");
    await kv.delete("share:corrupt monitor 2");
  });

  it("counts the shares whose image was copied into R2", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const before = await monitoring(t.target);
    const ok = factory.createBody({ storeImage: true });
    const broken = factory.createBody({ storeImage: true });
    useHandlers(imageHost(ok.generatedUrl), failingImageHost(broken.generatedUrl));
    expect((await createShare(t.target, ok)).isR2Stored).toBe(true);
    expect((await createShare(t.target, broken)).isR2Stored).toBe(false);
    const after = await monitoring(t.target);
    expect(delta(before, after)).toMatchObject({ total: 2, r2Stored: 1 });
    // A rescan of the keys counts the same: only the copied image is in r2Stored.
    const clock = t.target.control.clock;
    if (clock && t.target.adminToken) {
      await clock.advance(61_000);
      const rescanned = await monitoring(t.target);
      expect(Date.parse(rescanned.shares.countedAt!)).toBeGreaterThan(
        Date.parse(after.shares.countedAt!),
      );
      expect(rescanned.shares).toMatchObject({
        total: after.shares.total,
        r2Stored: after.shares.r2Stored,
      });
    }
  });

  // The memory backend's loss on restart is asserted in the persistence suite.
  it("reports the stored total right after a restart, from a new isolate", async (ctx) => {
    t.require(
      ctx,
      capabilities[backend].durableAcrossRestart,
      "the memory backend keeps nothing across a restart",
    );
    const restart = t.control(ctx, "restart");
    await createShare(t.target, factory.createBody());
    const before = await monitoring(t.target);
    const listedBefore = (await listAll(t.target)).shares.length;
    expect(before.shares.total).toBe(listedBefore);
    await restart();
    // The new isolate's first list makes two KV list calls (its page, then the legacy scan); KV
    // answers the first one slowly. The median of the two is the fast one, the slow one the max.
    const faults = t.control(ctx, "faults");
    await faults.add({ op: "list", kind: "latency", ms: 80, first: 1 });
    try {
      expect((await listPage(t.target, { limit: 1 })).status).toBe(200);
    } finally {
      await faults.clear();
    }
    const after = await monitoring(t.target);
    expect(after.latencyMs.list.max).toBeGreaterThanOrEqual(80);
    expect(after.latencyMs.list.p50).toBeLessThan(after.latencyMs.list.max);
    // A new isolate: it started after the old one's first request.
    expect(Date.parse(after.isolateStartedAt)).toBeGreaterThan(Date.parse(before.isolateStartedAt));
    expect(after.shares.total).toBe(before.shares.total);
    expect(after.shares.total).toBe((await listAll(t.target)).shares.length);
    // Per-isolate operation counters start again with the isolate.
    expect(after.kv.writes).toBe(0);
  });

  it(
    capabilities[backend].affectedByKvFaults
      ? "shows retries and the error rate when KV writes fail, and a fallback when KV reads fail"
      : "is untouched by KV faults: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      const clock = t.control(ctx, "clock");
      const created = await createShare(t.target, factory.createBody());
      const before = await monitoring(t.target);
      const seen = (await t.target.control.logs?.all())?.length ?? 0;
      let long: CreatedShare;
      try {
        await faults.add({ op: "put", kind: "error", status: 503, first: 1 });
        await createShare(t.target, factory.createBody()); // retried once, then stored
        // The newest share, too long for its metadata: a list reads its value in bulk.
        await clock.advance(1000);
        long = await createShare(t.target, factory.createBody({ prompt: "p".repeat(2000) }));
        // Let the cached copies go stale, then fail every read of them: the stale copies answer.
        await clock.advance(windows.readCacheMs + 1000);
        await faults.add({ op: "any", prefix: `share:${created.id}`, kind: "error", status: 503 });
        await faults.add({ op: "get", prefix: `share:${long.id}`, kind: "error", status: 503 });
        const read = await getShare(t.target, created.id);
        expect(read.status).toBe(200);
        expect(read.body.id).toBe(created.id);
        const page = await listPage(t.target, { limit: 1 });
        expect(page.status).toBe(200);
        expect(page.body.shares).toEqual([stored(long)]);
        // KV refusing the read as malformed is this Worker's bug, not an outage: a 500, no copy.
        if (caps.affectedByKvFaults) {
          await faults.clear();
          await faults.add({
            op: "any",
            prefix: `share:${created.id}`,
            kind: "error",
            status: 400,
          });
          const refused = await t.target.fetch(`/api/share/${created.id}`);
          await expectError(refused, 500, "internal_error");
        }
      } finally {
        await faults.clear();
      }
      const after = await monitoring(t.target);
      const d = delta(before, after);
      if (!t.target.capabilities.affectedByKvFaults) {
        expect(d).toMatchObject({ errors: 0, retries: 0, fallbacks: 0, writes: 2 });
        expect(after.kv.errorRate).toBe(0);
        return;
      }
      expect(d).toMatchObject({ writes: 2, retries: 1, fallbacks: 2 });
      const logs = t.target.control.logs;
      if (logs) {
        // The stale bulk read's line: the key it started at, how many keys, KV's error.
        const stale = async () =>
          (await logs.all())
            .slice(seen)
            .flatMap((line) => (line.json ? [line.json] : []))
            .find((l) => l.op === "getMany" && l.outcome === "stale");
        await eventually(
          "the stale bulk read is logged",
          async () => (await stale()) !== undefined,
        );
        const line = await stale();
        expect(line).toMatchObject({
          level: "info",
          backend: "kv",
          key: `share:${long.id}`,
          count: 1,
        });
        expect(String(line!.error)).toMatch(/^KV GET_BULK failed: 503/);
      }
      expect(d.errors).toBeGreaterThanOrEqual(2);
      expect(after.kv.errorRate).toBeGreaterThan(0);
      expect(after.kv.errorRate).toBeCloseTo(errorRateOf(after), 10);
    },
  );

  it("logs one JSON line per storage operation: a failure at level error, named by the op that failed, and never the admin token", async (ctx) => {
    const logs = t.control(ctx, "logs");
    const faults = t.control(ctx, "faults");
    t.require(ctx, caps.affectedByKvFaults, "the memory backend never calls KV");
    const kv = t.control(ctx, "kv");
    const doomed = t.target.adminToken
      ? await createShare(t.target, factory.createBody())
      : undefined;
    const seen = (await logs.all()).length;
    let long: ReturnType<ReturnType<typeof createShareFactory>["entry"]> | undefined;
    try {
      if (doomed) {
        // A delete KV cannot do: its 503 is logged, the admin token it carried never.
        await faults.add({ op: "any", kind: "error", status: 503 });
        expect(await deleteShare(t.target, doomed.id)).toBe(503);
        await faults.clear();
      }
      await faults.add({ op: "put", kind: "error", status: 503 });
      const res = await t.target.fetch("/api/share", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(factory.createBody()),
      });
      await expectError(res, 503, "storage_unavailable");
      await faults.clear();
      await faults.add({ op: "list", kind: "error", status: 503 });
      await expectError(await t.target.fetch("/api/shares"), 503, "storage_unavailable");
      await faults.clear();
      // A share too long for its metadata, written elsewhere: the list reads its value in bulk.
      const now = await t.control(ctx, "clock").now();
      const f = createShareFactory(4406, { now });
      long = f.entry(f.share({ timestamp: now, prompt: "p".repeat(2000) }));
      await kv.put(long.key, long.value, { metadata: long.metadata, expirationTtl: 3600 });
      await faults.add({ op: "get", prefix: long.key, kind: "error", status: 503 });
      await expectError(await t.target.fetch("/api/shares"), 503, "storage_unavailable");
    } finally {
      await faults.clear();
      if (long) await kv.delete(long.key);
    }
    if (t.target.adminToken) await deleteShare(t.target, "notacreatedshare");
    // A list that works: its line says how many keys KV answered.
    expect((await listPage(t.target, { limit: 100 })).status).toBe(200);
    const keys = (await t.control(ctx, "kv").list({ prefix: "share:" })).keys.length;
    const ours = async () =>
      (await logs.all()).slice(seen).flatMap((line) => (line.json ? [line.json] : []));
    const failed = (op: string) => async () =>
      (await ours()).some((l) => l.op === op && l.outcome === "error");
    await eventually("the failed put is logged", failed("put"));
    await eventually("the failed list is logged", failed("list"));
    await eventually("the failed bulk read is logged", failed("getMany"));
    await eventually("the list is logged", async () =>
      (await ours()).some((l) => l.op === "list" && l.outcome === "ok"),
    );
    const lines = await ours();
    expect(lines.filter((l) => l.op === "list" && l.outcome === "ok").at(-1)).toMatchObject({
      level: "info",
      backend: "kv",
      key: "share:",
      count: keys,
    });
    const put = lines.find((l) => l.op === "put" && l.outcome === "error");
    expect(put).toMatchObject({
      level: "error",
      backend: "kv",
      key: expect.stringMatching(/^share:/),
    });
    expect(String(put!.error)).toMatch(/^KV PUT failed: 503/);
    const list = lines.find((l) => l.op === "list" && l.outcome === "error");
    expect(list).toMatchObject({ level: "error", backend: "kv" });
    // workerd reports a failed list() as "KV GET failed": the log names the list.
    expect(String(list!.error)).toMatch(/^KV LIST failed: 503/);
    // A failed bulk read is named as one, with the key it started at.
    const bulk = lines.find((l) => l.op === "getMany" && l.outcome === "error");
    expect(bulk).toMatchObject({ level: "error", backend: "kv", key: long!.key });
    expect(String(bulk!.error)).toMatch(/^KV GET_BULK failed: 503/);
    // Each 503 the clients got is logged with its code.
    const answered = lines.filter((l) => l.event === "app_error");
    expect(answered.filter((l) => l.code === "storage_unavailable").length).toBeGreaterThanOrEqual(
      2,
    );
    const retries = lines.filter((l) => l.op === "put" && l.outcome === "retry");
    expect(retries.length).toBeGreaterThan(0);
    for (const line of lines.filter((l) => "op" in l)) expect(line).toHaveProperty("ms");
    if (t.target.adminToken) {
      const text = (await logs.all()).map((l) => l.text).join("\n");
      expect(text).not.toContain(t.target.adminToken);
    }
  });

  it("answers 503 storage_unavailable with Retry-After when KV fails and nothing is cached", async (ctx) => {
    const faults = t.control(ctx, "faults");
    t.require(ctx, capabilities[backend].affectedByKvFaults, "the memory backend never calls KV");
    const created = await createShare(t.target, factory.createBody());
    const held = await monitoring(t.target);
    try {
      await faults.add({ op: "any", kind: "error", status: 500 });
      // Another isolate would hold nothing; here the list is never cached.
      const res = await t.target.fetch("/api/shares");
      expect(res.headers.get("retry-after")).toBe("5");
      await expectError(res, 503, "storage_unavailable");
      // Past the inventory's 60 s, monitoring cannot count afresh: it answers from the last
      // inventory it holds, and says it is stale.
      await t.control(ctx, "clock").advance(61_000);
      const m = await monitoring(t.target);
      expect(m.shares).toMatchObject({ total: held.shares.total, stale: true });
    } finally {
      await faults.clear();
    }
    expect((await getShare(t.target, created.id)).status).toBe(200);
    // One health probe answers for its window: the recovery shows once it has passed.
    await t.control(ctx, "clock").advance(HEALTH_PROBE_WINDOW_MS);
    expect((await monitoring(t.target)).shares.stale).toBe(false);
  });

  it(
    capabilities[backend].affectedByKvFaults
      ? "treats a lost connection like an outage: retried, then stored"
      : "never sees a lost KV connection: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      const before = await monitoring(t.target);
      await faults.add({ op: "put", kind: "network", first: 2 });
      let created;
      try {
        created = await createShare(t.target, factory.createBody());
      } finally {
        await faults.clear();
      }
      const after = await monitoring(t.target);
      const affected = t.target.capabilities.affectedByKvFaults;
      expect(after.kv.retries - before.kv.retries).toBe(affected ? 2 : 0);
      expect((await getShare(t.target, created.id)).body.id).toBe(created.id);
    },
  );

  it(
    capabilities[backend].affectedByKvFaults
      ? "retries a delete KV fails for a moment: 204, and the share is gone"
      : "never sees a failing KV delete: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      t.requireAdmin(ctx);
      const created = await createShare(t.target, factory.createBody());
      const before = await monitoring(t.target);
      await faults.add({ op: "delete", kind: "error", status: 503, first: 2 });
      let status;
      try {
        status = await deleteShare(t.target, created.id);
      } finally {
        await faults.clear();
      }
      expect(status).toBe(204);
      const after = await monitoring(t.target);
      const affected = t.target.capabilities.affectedByKvFaults;
      expect(after.kv.retries - before.kv.retries).toBe(affected ? 2 : 0);
      await expectError(await t.target.fetch(`/api/share/${created.id}`), 404, "not_found");
    },
  );

  it(
    capabilities[backend].affectedByKvFaults
      ? "answers a delete KV keeps failing with 503, and the share is still served and listed"
      : "never sees a failing KV delete: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      t.requireAdmin(ctx);
      const created = await createShare(t.target, factory.createBody());
      await faults.add({ op: "delete", kind: "error", status: 503 });
      let status;
      try {
        status = await deleteShare(t.target, created.id);
      } finally {
        await faults.clear();
      }
      // Nothing was deleted, so nothing is gone: not from the API, the page or the list.
      expect(status).toBe(t.target.capabilities.affectedByKvFaults ? 503 : 204);
      if (status === 503) {
        expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
        expect((await getPage(t.target, created.id)).status).toBe(200);
        expect((await listAll(t.target)).shares.map((s) => s.id)).toContain(created.id);
      }
    },
  );
});

/**
 * What a Worker deployed without the tunable vars does (a wrangler environment's `vars` replace
 * the top-level ones; a blank line in .dev.vars is unset): the documented defaults.
 */
describe(`monitoring with the tunable vars unset, their defaults [${backend}]`, () => {
  const t = useTarget({
    vars: {
      CACHE_MAX_ENTRIES: "",
      CACHE_TTL_SECONDS: "",
      KV_RETRY_MAX_ATTEMPTS: "",
      KV_WRITE_FALLBACK: "",
    },
    onlyIf: [caps.affectedByKvFaults, "the memory backend never calls KV"],
  });

  it("tries a failing write 5 times (the 5th attempt stores it, 5 failures answer 503) and caches 1000 reads for 5 minutes", async (ctx) => {
    const faults = t.control(ctx, "faults");
    const counters = t.control(ctx, "counters");
    const clock = t.control(ctx, "clock");
    const attempt = async (failures: number) => {
      await counters.reset();
      await faults.add({ op: "put", kind: "error", status: 503, first: failures });
      try {
        return await postShare(t.target, factory.createBody());
      } finally {
        await faults.clear();
      }
    };
    const before = await monitoring(t.target);
    const fifth = await attempt(4);
    expect(fifth.status).toBe(201);
    expect((await counters.get()).total.writes).toBe(5);
    const none = await attempt(5);
    expect(none.status).toBe(503);
    expect(none.body.error?.code).toBe("storage_unavailable");
    expect((await counters.get()).total.writes).toBe(5);
    // Every failed attempt is an error; each one tried again is a retry.
    const after = await monitoring(t.target);
    expect(delta(before, after)).toMatchObject({ writes: 2, retries: 8, errors: 9, total: 1 });
    expect(after.cache.maxSize).toBe(1000);
    await counters.reset();
    await clock.advance(299_000);
    expect((await getShare(t.target, fifth.body.id)).status).toBe(200);
    expect((await counters.get()).total.reads).toBe(0);
    await clock.advance(2000);
    expect((await getShare(t.target, fifth.body.id)).status).toBe(200);
    expect((await counters.get()).total.reads).toBe(1);
  });
});

describe(`health [${backend}]`, () => {
  const t = useTarget();
  const durable = capabilities[backend].durableAcrossRestart;

  const healthz = async () => {
    const res = await t.target.fetch("/healthz");
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as {
        ok: boolean;
        status: string;
        backend: string;
        degraded: string[];
        checks: {
          storage: { status: string; pendingWrites: number };
          images: { status: string; error?: string };
        };
        error?: { code: string };
      },
    };
  };

  it(
    durable
      ? "answers /healthz 200 ok, uncached, and monitoring reports the same health"
      : "answers /healthz 200 degraded naming storage: the memory backend is not durable",
    async () => {
      const health = await healthz();
      expect(health.status).toBe(200);
      expect(health.headers.get("cache-control")).toBe("no-store");
      expect(health.body).toMatchObject({
        ok: true,
        status: durable ? "ok" : "degraded",
        backend,
        degraded: durable ? [] : ["storage"],
      });
      expect(health.body.checks.storage.status).toBe(durable ? "ok" : "not_durable");
      const m = (await monitoring(t.target)) as Monitoring & {
        health: { status: string; degraded: string[] };
      };
      expect(m.health).toMatchObject({
        status: health.body.status,
        degraded: health.body.degraded,
      });
    },
  );

  it(
    capabilities[backend].affectedByKvFaults
      ? "answers /healthz 503 unavailable with Retry-After while KV fails, and ok again after"
      : "stays up while KV fails: the memory backend never calls KV",
    async (ctx) => {
      const faults = t.control(ctx, "faults");
      // One health probe answers for its window: an outage, and its end, show once it has passed.
      const clock = t.control(ctx, "clock");
      let during: Awaited<ReturnType<typeof healthz>>;
      try {
        await faults.add({ op: "get", kind: "error", status: 503 });
        await clock.advance(HEALTH_PROBE_WINDOW_MS);
        during = await healthz();
      } finally {
        await faults.clear();
      }
      if (!t.target.capabilities.affectedByKvFaults) {
        expect(during.status).toBe(200);
        return;
      }
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toBe("5");
      expect(during.body).toMatchObject({
        ok: false,
        status: "unavailable",
        degraded: ["storage"],
      });
      expect(during.body.error?.code).toBe("storage_unavailable");
      await clock.advance(HEALTH_PROBE_WINDOW_MS);
      const after = await healthz();
      expect(after.status).toBe(200);
      expect(after.body.status).toBe("ok");
    },
  );
  it("answers every call within a probe window from that one probe, saying how old it is", async (ctx) => {
    const clock = t.control(ctx, "clock");
    type Probe = { at: string; ageMs: number; windowMs: number; count: number };
    const probeOf = async () =>
      ((await monitoring(t.target)) as Monitoring & { health: { probe: Probe } }).health.probe;
    await clock.advance(HEALTH_PROBE_WINDOW_MS); // the next call starts a probe
    const first = await probeOf();
    expect(first.windowMs).toBe(HEALTH_PROBE_WINDOW_MS);
    expect(first.ageMs).toBeLessThan(HEALTH_PROBE_WINDOW_MS);
    await clock.advance(1000);
    await healthz();
    const second = await probeOf();
    if (second.at === first.at) {
      // The same probe answered: it is older by the second that passed, and was counted once.
      expect(second.ageMs).toBeGreaterThanOrEqual(first.ageMs + 1000);
      expect(second.count).toBe(first.count);
    } else {
      // The machine took more than the window's rest between the calls: one probe more.
      expect(second.count).toBe(first.count + 1);
    }
    await clock.advance(HEALTH_PROBE_WINDOW_MS);
    const third = await probeOf();
    expect(Date.parse(third.at)).toBeGreaterThan(Date.parse(second.at));
    expect(third.count).toBe(second.count + 1);
  });

  it("answers /healthz 200 degraded naming images while R2 fails, with R2's error, and recovers after", async (ctx) => {
    const faults = t.control(ctx, "faults");
    const clock = t.control(ctx, "clock");
    // What storage reports on its own (the memory backend is never durable) stays as it is.
    const storage = durable ? [] : ["storage"];
    let during: Awaited<ReturnType<typeof healthz>>;
    let reported: Monitoring & { health: { status: string; degraded: string[] } };
    try {
      await faults.add({ service: "r2", op: "any", kind: "error", status: 500 });
      await clock.advance(HEALTH_PROBE_WINDOW_MS);
      during = await healthz();
      reported = (await monitoring(t.target)) as typeof reported;
    } finally {
      await faults.clear();
    }
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({
      ok: true,
      status: "degraded",
      degraded: [...storage, "images"],
    });
    expect(during.body.checks.images.status).toBe("failing");
    expect(during.body.checks.images.error).toMatch(/\(10001\)$/);
    expect(reported.health).toMatchObject({ status: "degraded", degraded: [...storage, "images"] });
    await clock.advance(HEALTH_PROBE_WINDOW_MS);
    const after = await healthz();
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: durable ? "ok" : "degraded", degraded: storage });
    expect(after.body.checks.images).toEqual(expect.objectContaining({ status: "ok" }));
  });
});
