/**
 * Check 1 of the guide, "分享创建和存储": creating a share, where it is stored and for how long,
 * every class of bad input, and copying the image into R2 (or not, when the image host fails).
 */
import { describe, expect, it } from "vitest";
import { SHARE_TTL_SECONDS } from "../src/shares/schema";
import {
  createShare,
  failingImageHost,
  getShare,
  imageHost,
  monitoring,
  PNG,
  postShare,
  stored,
} from "./support/api";
import { capabilities } from "./support/capabilities";
import { suiteFactory } from "./support/own-data";
import { suiteBackend, useTarget } from "./support/use-target";

const backend = suiteBackend();
const factory = suiteFactory(1101);

describe(`create [${backend}]`, () => {
  const t = useTarget();

  it("answers 201 with the share, its page URL and a Location, and the share reads back", async () => {
    const body = factory.createBody();
    const res = await postShare(t.target, body);
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(res.body).toMatchObject({ ...body, isR2Stored: false, url: `/s/${id}` });
    expect(new Date(res.body.createdAt).getTime()).toBe(res.body.timestamp);
    expect(res.headers.get("location")).toBe(`/api/share/${id}`);
    const read = await getShare(t.target, id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(stored(res.body));
  });

  it(
    capabilities[backend].storesInKv
      ? "stores the share at share:{id} with a 30-day expiration"
      : "keeps the share in isolate memory only: nothing is written to KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const created = await createShare(t.target, factory.createBody());
      const entry = await kv.getWithMetadata(`share:${created.id}`);
      if (!t.target.capabilities.storesInKv) {
        expect(entry.value).toBeNull();
        return;
      }
      expect(JSON.parse(entry.value!)).toEqual(stored(created));
      const expected = Math.floor((await clock.now()) / 1000) + SHARE_TTL_SECONDS;
      expect(entry.expiration).toBeGreaterThan(expected - 60);
      expect(entry.expiration).toBeLessThanOrEqual(expected + 60);
      expect(entry.metadata).toMatchObject({ v: 1, ts: created.timestamp });
    },
  );

  it("writes exactly one KV key per create and never a shared index key", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const kv = t.control(ctx, "kv");
    await counters.reset();
    const created = await Promise.all(
      [1, 2, 3].map(() => createShare(t.target, factory.createBody())),
    );
    const writes = (await counters.get()).total.writes;
    expect(writes).toBe(t.target.capabilities.storesInKv ? created.length : 0);
    expect(await kv.get("share:list")).toBeNull();
  });

  it("answers every class of invalid input with its 4xx and error code, storing nothing", async (ctx) => {
    t.requireFreshStore(ctx);
    const before = (await monitoring(t.target)).shares.total;
    for (const invalid of factory.invalidBodies()) {
      const res = await postShare(t.target, invalid.body, 0, invalid.contentType);
      expect(res.status, invalid.name).toBe(invalid.expectedStatus);
      expect(res.body.error?.code, invalid.name).toBe(invalid.expectedCode);
      expect(res.body.error?.message, invalid.name).toEqual(expect.any(String));
    }
    expect((await monitoring(t.target)).shares.total).toBe(before);
  });

  it("names the offending fields of a body that fails validation", async () => {
    const res = await postShare(t.target, JSON.stringify({ prompt: 42 }));
    expect(res.status).toBe(400);
    const paths = res.body.error?.fields?.map((f) => f.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["generatedUrl", "originalUrl", "prompt"]));
  });

  it("copies the image into R2 when storeImage is set and the image host answers", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const body = factory.createBody({ storeImage: true });
    useHandlers(imageHost(body.generatedUrl));
    const created = await createShare(t.target, body);
    expect(created.isR2Stored).toBe(true);
    expect(created.warning).toBeUndefined();
    const object = await r2.get(`images/${created.id}`);
    expect(object?.contentType).toBe("image/png");
    expect([...(object?.body ?? [])]).toEqual([...PNG]);
    const image = await t.target.fetch(`/images/${created.id}`);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await image.arrayBuffer())]).toEqual([...PNG]);
    expect((await getShare(t.target, created.id)).body.isR2Stored).toBe(true);
  });

  it("still creates the share, with isR2Stored false and a warning, when the image host fails", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const body = factory.createBody({ storeImage: true });
    useHandlers(failingImageHost(body.generatedUrl));
    const created = await createShare(t.target, body);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect(await r2.get(`images/${created.id}`)).toBeNull();
    expect((await t.target.fetch(`/images/${created.id}`)).status).toBe(404);
    expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
  });
});
