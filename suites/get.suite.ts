/**
 * Check 2 of the guide, "分享详情获取": reading a share by id, the 5-minute read cache (a fresh hit
 * does no KV read, a stale one reads again), the 30-day expiry, and records in the guide's shape.
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../fixtures/factories/index";
import { createShareId } from "../src/shares/record";
import { createShare, getShare, stored } from "./support/api";
import { capabilities, windows } from "./support/capabilities";
import { suiteFactory } from "./support/own-data";
import { suiteBackend, useTarget } from "./support/use-target";

const backend = suiteBackend();
const factory = suiteFactory(2202);

describe(`get [${backend}]`, () => {
  const t = useTarget();

  it("returns an existing share exactly as it was created", async () => {
    const created = await createShare(t.target, factory.createBody());
    const res = await getShare(t.target, created.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(stored(created));
  });

  it("answers 404 not_found for a well-formed id that was never created", async () => {
    const res = await getShare(t.target, createShareId(Date.now(), "NEVERMAD"));
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
  });

  it.each([["has spaces"], ["semi;colon"], ["x".repeat(65)], ["ünïcode"]])(
    "answers 400 invalid_id for the malformed id %j",
    async (id) => {
      const res = await getShare(t.target, id);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe("invalid_id");
    },
  );

  it("serves repeated reads from the isolate cache and reads KV again after 5 minutes", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const clock = t.control(ctx, "clock");
    const created = await createShare(t.target, factory.createBody());
    await counters.reset();
    for (let i = 0; i < 3; i++) expect((await getShare(t.target, created.id)).status).toBe(200);
    expect((await counters.get()).total.reads).toBe(0);

    await clock.advance(windows.readCacheMs + 1000);
    const again = await getShare(t.target, created.id);
    expect(again.body).toEqual(stored(created));
    // The memory backend never reads KV at all; the KV backend reads once, then caches again.
    const readsKv = t.target.capabilities.readCache ? 1 : 0;
    expect((await counters.get()).total.reads).toBe(readsKv);
    await getShare(t.target, created.id);
    expect((await counters.get()).total.reads).toBe(readsKv);
  });

  it(
    capabilities[backend].readsKvRecords
      ? "reads a record in the guide's legacy shape (no metadata, no isR2Stored)"
      : "does not see records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const legacy = createShareFactory(2203, { now: await clock.now() }).legacyShare();
      await kv.put(`share:${legacy.id}`, JSON.stringify(legacy), {
        expiration: Math.floor(legacy.timestamp / 1000) + windows.shareTtlMs / 1000,
      });
      const res = await getShare(t.target, legacy.id);
      if (!t.target.capabilities.readsKvRecords) {
        expect(res.status).toBe(404);
        return;
      }
      expect(res.status).toBe(200);
      expect(res.body).toEqual(legacy);
      expect(res.body).not.toHaveProperty("isR2Stored");
    },
  );

  it("answers 404 for a corrupt record instead of failing", async (ctx) => {
    const kv = t.control(ctx, "kv");
    t.require(ctx, t.target.capabilities.readsKvRecords, "the memory backend never reads KV");
    const id = "corruptrecord01";
    await kv.put(`share:${id}`, "{not json", { expirationTtl: 3600 });
    const res = await getShare(t.target, id);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
  });

  // Last: the clock only moves forward, and this moves it 30 days.
  it("keeps a share for 30 days, then answers 404", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const created = await createShare(t.target, factory.createBody());
    await clock.advance(windows.shareTtlMs - 120_000);
    expect((await getShare(t.target, created.id)).status).toBe(200);
    await clock.advance(180_000);
    const res = await getShare(t.target, created.id);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
  });
});
