/**
 * Check 2 of the guide, "分享详情获取": reading a share by id (API and share page), the 5-minute
 * read cache (a fresh hit does no KV read for the whole window, a stale one reads again, the cache
 * stays within CACHE_MAX_ENTRIES), the 30-day expiry, records in the guide's shape, and what a
 * delete leaves behind: nothing, on the API, the page or the image, and only with the admin token.
 */
import { describe, expect, it, type TestContext } from "vitest";
import { createShareFactory } from "../fixtures/factories/index.js";
import { htmlProblems } from "../reliability/fuzz/html-structure.js";
import { createShareId } from "../src/shares/record.js";
import { schemaProblems } from "../src/testing/openapi-schemas.js";
import type { ShareData } from "../src/shares/schema.js";
import {
  createShare,
  createWithImage,
  deleteShare,
  expectError,
  getImage,
  getPage,
  getShare,
  listAll,
  listPage,
  monitoring,
  putLegacy,
  stored,
  type CreatedShare,
} from "./support/api.js";
import { capabilities, windows } from "./support/capabilities.js";
import { cspAllows } from "./support/csp.js";
import { suiteFactory } from "./support/own-data.js";
import { suiteRun } from "./support/use-target.js";

const { backend, useTarget } = await suiteRun(import.meta.url);
const caps = capabilities[backend];
const factory = suiteFactory(2202);
const never = () => createShareId(Date.now(), "NEVERMAD");

/** What a browser shows for `text` once the page's HTML escaping is undone. */
const escaped = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

describe(`get [${backend}]`, () => {
  const t = useTarget();

  it("returns an existing share exactly as it was created", async (ctx) => {
    const created = await createShare(t.target, factory.createBody());
    await t.eventually(ctx, "the new share reads back", async () => {
      const res = await getShare(t.target, created.id);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toEqual(stored(created));
    });
  });

  it("answers 404 not_found for a well-formed id that was never created", async () => {
    await expectError(await t.target.fetch(`/api/share/${never()}`), 404, "not_found");
  });

  it("answers an unknown route with a JSON 404 and a wrong method with a JSON 405 naming the allowed ones", async () => {
    await expectError(await t.target.fetch("/api/nothing-here"), 404, "not_found");
    const put = await t.target.fetch("/api/shares", { method: "PUT" });
    expect(put.headers.get("allow")).toMatch(/\bGET\b/);
    await expectError(put, 405, "method_not_allowed");
  });

  it("serves the OpenAPI 3.1 document of every route it answers", async () => {
    const res = await t.target.fetch("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((op) => `${op.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /api/share",
        "GET /api/share/{id}",
        "DELETE /api/share/{id}",
        "GET /api/shares",
        "GET /api/monitoring",
        "GET /healthz",
        "GET /s/{id}",
        "GET /images/{id}",
      ]),
    );
    // Every answer the README lists for a route is documented, so a generated client knows it.
    type Operation = {
      responses: Record<string, unknown>;
      security?: Record<string, unknown>[];
      parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
    };
    const op = (path: string, method: string) =>
      (doc.paths[path] as Record<string, Operation>)[method]!;
    const statuses = (path: string, method: string) => Object.keys(op(path, method).responses);
    expect(statuses("/api/share", "post")).toEqual(
      expect.arrayContaining(["201", "202", "400", "409", "413", "415", "422", "429", "503"]),
    );
    expect(statuses("/api/share/{id}", "get")).toEqual(
      expect.arrayContaining(["200", "400", "404", "503"]),
    );
    expect(statuses("/api/share/{id}", "delete")).toEqual(
      expect.arrayContaining(["204", "400", "401", "403", "404"]),
    );
    expect(statuses("/healthz", "get")).toEqual(expect.arrayContaining(["200", "503"]));
    expect(statuses("/images/{id}", "get")).toEqual(expect.arrayContaining(["200", "404", "503"]));
    expect(statuses("/api/shares", "get")).toEqual(expect.arrayContaining(["200", "400"]));
    // DELETE says it needs the bearer token; the list documents its limit's bounds and default.
    expect(op("/api/share/{id}", "delete").security?.length).toBeGreaterThan(0);
    const limit = op("/api/shares", "get").parameters?.find((p) => p.name === "limit");
    expect(limit?.schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    // The create's optional Idempotency-Key header, long enough for a quoted 255-character key.
    const key = op("/api/share", "post").parameters?.find((p) => p.name === "Idempotency-Key");
    expect(key).toMatchObject({ in: "header", schema: { type: "string" } });
    expect(Number(key!.schema.maxLength ?? Infinity)).toBeGreaterThanOrEqual(
      JSON.stringify("k".repeat(255)).length,
    );
    // Each answer is what the document says it is: a client generated from it can read them.
    const problems = schemaProblems(doc);
    const created = await createShare(t.target, factory.createBody());
    expect(problems("CreatedShare", created)).toEqual([]);
    expect(problems("ShareData", (await getShare(t.target, created.id)).body)).toEqual([]);
    let page = await listPage(t.target, { limit: 1 });
    expect(problems("ShareList", page.body)).toEqual([]);
    for (let pages = 0; page.body.cursor && pages < 100; pages++) {
      page = await listPage(t.target, { limit: 100, cursor: page.body.cursor });
    }
    expect(page.body.cursor, "the last page").toBeNull();
    expect(problems("ShareList", page.body)).toEqual([]);
    expect(problems("Monitoring", await monitoring(t.target))).toEqual([]);
    expect(problems("Health", await (await t.target.fetch("/healthz")).json())).toEqual([]);
    expect(problems("Error", await (await t.target.fetch(`/api/share/${never()}`)).json())).toEqual(
      [],
    );
  });

  it.each([["has spaces"], ["semi;colon"], ["x".repeat(65)], ["ünïcode"]])(
    "answers 400 invalid_id for the malformed id %j",
    async (id) => {
      const res = await t.target.fetch(`/api/share/${encodeURIComponent(id)}`);
      await expectError(res, 400, "invalid_id");
    },
  );

  it("serves reads from the isolate cache for the whole 5 minutes, then reads KV once again", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const clock = t.control(ctx, "clock");
    const created = await createShare(t.target, factory.createBody());
    await counters.reset();
    // Reads spread over the window (to 4 of its 5 minutes: real time passes too, and a loaded
    // machine must not push the last read out): a cache that forgets early reads KV.
    for (const wait of [0, 1000, 60_000, 179_000]) {
      await clock.advance(wait);
      expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    }
    expect((await counters.get()).total.reads).toBe(0);

    await clock.advance(62_000); // now past the 5 minutes
    const again = await getShare(t.target, created.id);
    expect(again.body).toEqual(stored(created));
    // The memory backend never reads KV at all; the KV backend reads once, then caches again.
    const readsKv = t.target.capabilities.readCache ? 1 : 0;
    expect((await counters.get()).total.reads).toBe(readsKv);
    await getShare(t.target, created.id);
    expect((await counters.get()).total.reads).toBe(readsKv);
    // A miss is kept as well: asking again for an id that has no share reads KV once.
    await counters.reset();
    const missing = createShareId(Date.now(), "CACHEDMS"); // an id no other check reads
    for (let i = 0; i < 3; i++) {
      await expectError(await t.target.fetch(`/api/share/${missing}`), 404, "not_found");
    }
    expect((await counters.get()).total.reads).toBe(readsKv);
  });

  it(
    caps.readsKvRecords
      ? "reads a record in the guide's legacy shape (no metadata, no isR2Stored)"
      : "does not see records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const legacy = createShareFactory(2203, { now: await clock.now() }).legacyShare();
      await putLegacy(kv, legacy);
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

  it("answers 404 for a corrupt record instead of failing, and counts it", async (ctx) => {
    const kv = t.control(ctx, "kv");
    t.require(ctx, t.target.capabilities.readsKvRecords, "the memory backend never reads KV");
    const id = "corruptrecord01";
    await kv.put(`share:${id}`, "{not json", { expirationTtl: 3600 });
    await expectError(await t.target.fetch(`/api/share/${id}`), 404, "not_found");
    expect((await getPage(t.target, id)).status).toBe(404);
    // A valid record stored under another share's key is not that share.
    const clock = t.control(ctx, "clock");
    const other = createShareFactory(2205, { now: await clock.now() }).legacyShare();
    await kv.put("share:misfiledrecord01", JSON.stringify(other), { expirationTtl: 3600 });
    await expectError(await t.target.fetch("/api/share/misfiledrecord01"), 404, "not_found");
    expect((await getPage(t.target, "misfiledrecord01")).status).toBe(404);
    // Read again: still a 404, and still one record to the operator, logged once with why.
    await expectError(await t.target.fetch(`/api/share/${id}`), 404, "not_found");
    const m = (await (await t.target.fetch("/api/monitoring")).json()) as {
      corruptRecords: number;
      corrupt: { keys: { key: string; reason: string }[] };
    };
    expect(m.corruptRecords).toBeGreaterThanOrEqual(2);
    const named = new Map(m.corrupt.keys.map((k) => [k.key, k.reason]));
    expect(named.get(`share:${id}`)).toBe("not JSON");
    expect(named.get("share:misfiledrecord01")).toMatch(/another share/);
    const logs = t.target.control.logs;
    if (logs) {
      const logged = (await logs.all()).filter(
        (l) => l.json?.event === "corrupt_record" && l.json.key === `share:${id}`,
      );
      expect(logged.map((l) => l.json!.reason)).toEqual(["not JSON"]);
    }
  });

  it("renders the share page: prompt, style, image and original link, escaped, under a CSP with a fresh nonce", async (ctx) => {
    const body = factory.createBody({
      prompt: `<b>"Night" & 'day'</b> <script>alert(1)</script> ${factory.createBody().prompt}`,
      generatedUrl: `https://img.example.com/a.png?x="><svg onload=alert(1)>`,
    });
    const created = await createShare(t.target, body);
    let page = await getPage(t.target, created.id);
    await t.eventually(ctx, "the new share's page is served", async () => {
      page = await getPage(t.target, created.id);
      expect(page.status).toBe(200);
    });
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("cache-control")).toBe("public, max-age=60");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.html).toContain(`<style nonce="${nonce}">`);

    expect(htmlProblems(page.html)).toEqual([]);
    expect(page.html).not.toContain("<script>");
    expect(page.html).not.toContain("<b>");
    expect(page.html).not.toContain("<svg");
    expect(page.html).toContain(`<p class="prompt">${escaped(created.prompt)}`);
    // Every place the prompt appears, escaped for its context.
    for (const tag of [
      `<meta name="description" content="${escaped(created.prompt)}" />`,
      `<meta property="og:description" content="${escaped(created.prompt)}" />`,
      `<meta name="twitter:description" content="${escaped(created.prompt)}" />`,
      `alt="${escaped(created.prompt)}"`,
      `<title>AI image · ${created.style}</title>`,
    ]) {
      expect(page.html).toContain(tag);
    }
    expect(page.html).toContain(`Style: ${created.style}`);
    expect(page.html).toContain(`src="${escaped(created.generatedUrl)}"`);
    // A link preview shows the image wherever it is kept: here, at its own https URL.
    expect(page.html).toContain(
      `<meta property="og:image" content="${escaped(created.generatedUrl)}" />`,
    );
    expect(page.html).toContain(
      `<meta name="twitter:image" content="${escaped(created.generatedUrl)}" />`,
    );
    // The browser loads that image only if the page's CSP allows it.
    expect(cspAllows(csp, "img-src", created.generatedUrl, "http://localhost"), csp).toBe(true);
    expect(page.html).toContain(
      `href="${escaped(created.originalUrl)}" rel="noopener noreferrer nofollow"`,
    );
    expect(page.html).toMatch(
      new RegExp(`property="og:url" content="https?://[^"]+/s/${created.id}"`),
    );

    const again = await getPage(t.target, created.id);
    const nonce2 = /'nonce-([^']+)'/.exec(again.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce2).not.toBe(nonce);
  });

  it(
    caps.readsKvRecords
      ? "escapes every field of a stored legacy record on its page and never links a javascript: URL"
      : "serves no page for records put into KV: the memory backend never reads KV",
    async (ctx) => {
      const kv = t.control(ctx, "kv");
      const clock = t.control(ctx, "clock");
      const legacy: ShareData = createShareFactory(2204, { now: await clock.now() }).legacyShare({
        prompt: `<img src=x onerror=alert(1)> "quoted" & 'single'`,
        style: `<i>noir</i>"><script>alert(2)</script>`,
        generatedUrl: `https://img.example.com/p.png?"><iframe src=//evil>`,
        originalUrl: "javascript:alert(document.cookie)",
      });
      await putLegacy(kv, legacy);
      const page = await getPage(t.target, legacy.id);
      if (!t.target.capabilities.readsKvRecords) {
        expect(page.status).toBe(404);
        return;
      }
      expect(page.status).toBe(200);
      expect(htmlProblems(page.html)).toEqual([]);
      for (const raw of ["<img src=x", "<i>", "<script>", "<iframe", "javascript:"]) {
        expect(page.html).not.toContain(raw);
      }
      expect(page.html).toContain(escaped(legacy.prompt));
      expect(page.html).toContain(escaped(legacy.style));
      // Rendered as the browser would resolve it (WHATWG-normalised), escaped.
      expect(page.html).toContain(`src="${escaped(new URL(legacy.generatedUrl).href)}"`);
    },
  );

  it("links nothing absolute to a request's own host that is not loopback (no PUBLIC_ORIGIN set)", async (ctx) => {
    t.require(ctx, t.target.kind === "harness", "only a harness is reached under any host name");
    const created = await createWithImage(t.target, factory, t.target.control.useHandlers);
    const res = await t.target.fetch(`https://share.example.net/s/${created.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("share.example.net");
    expect(html).not.toContain('property="og:url"');
    // A preview image is an absolute URL or none: the R2 copy has no absolute URL here.
    const previews = [...html.matchAll(/(?:og|twitter):image" content="([^"]*)"/g)];
    for (const [, url] of previews) expect(url).toMatch(/^https:\/\//);
    if (created.isR2Stored) expect(previews).toEqual([]);
  });

  it("answers an HTML 404 page, with the same security headers, for unknown and malformed ids", async () => {
    for (const id of [never(), "not a valid id!"]) {
      const page = await getPage(t.target, id);
      expect(page.status).toBe(404);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(page.html).toContain("Share not found");
      // A page saying a share is gone is kept out of search results.
      expect(page.html).toMatch(/<meta name="robots" content="noindex"/);
      expect(htmlProblems(page.html)).toEqual([]);
      // A share created (or restored) later must not be hidden behind a cached 404.
      expect(page.headers.get("cache-control") ?? "").not.toMatch(/public|max-age=[1-9]/);
    }
  });

  it("refuses DELETE without the admin token (401 + WWW-Authenticate) and keeps the share", async (ctx) => {
    const created = await createShare(t.target, factory.createBody());
    for (const authorization of ["", "Bearer wrong-token", `Basic ${btoa("admin:admin")}`]) {
      const res = await t.target.fetch(`/api/share/${created.id}`, {
        method: "DELETE",
        headers: authorization ? { authorization } : {},
      });
      expect(res.headers.get("www-authenticate"), authorization).toMatch(/^Bearer/);
      await expectError(res, 401, "unauthorized");
    }
    await t.eventually(ctx, "the share is still there", async () => {
      expect((await getShare(t.target, created.id)).status).toBe(200);
    });
  });

  it("refuses DELETE with a token that only starts or ends like the admin token", async (ctx) => {
    t.requireAdmin(ctx);
    const token = t.target.adminToken!;
    const created = await createShare(t.target, factory.createBody());
    for (const authorization of [
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer x${token}`,
      `Bearer ${token} ${token}`,
    ]) {
      const res = await t.target.fetch(`/api/share/${created.id}`, {
        method: "DELETE",
        headers: { authorization },
      });
      await expectError(res, 401, "unauthorized");
    }
    await t.eventually(ctx, "the share is still there", async () => {
      expect((await getShare(t.target, created.id)).status).toBe(200);
    });
  });

  it("answers DELETE of a malformed id with 400 and of an unknown id with 404", async (ctx) => {
    t.requireAdmin(ctx);
    const auth = { authorization: `Bearer ${t.target.adminToken}` };
    const bad = await t.target.fetch("/api/share/bad%20id", { method: "DELETE", headers: auth });
    await expectError(bad, 400, "invalid_id");
    const unknown = await t.target.fetch(`/api/share/${never()}`, {
      method: "DELETE",
      headers: auth,
    });
    await expectError(unknown, 404, "not_found");
  });

  it("leaves nothing of a deleted share: API 404, page 404, image 404, not listed, counted no more", async (ctx) => {
    t.requireAdmin(ctx);
    const { useHandlers, r2 } = t.target.control;
    const created = await createWithImage(t.target, factory, useHandlers);
    const keep = await createShare(t.target, factory.createBody());
    if (useHandlers) {
      expect(created.isR2Stored).toBe(true);
      expect((await getImage(t.target, created.id)).status).toBe(200);
    }
    // Records other checks put into KV directly reach the isolate's inventory within 60 s.
    await t.target.control.clock?.advance(61_000);
    const before = t.target.oneLocation ? await monitoring(t.target) : undefined;

    const deleted = await t.target.fetch(`/api/share/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t.target.adminToken}` },
    });
    expect(deleted.status).toBe(204);
    t.target.own.forget(created.id);
    // Not an answer a cache in front of the Worker may keep.
    expect(deleted.headers.get("cache-control") ?? "").not.toMatch(/public|max-age=[1-9]/);
    await t.eventually(ctx, "the deleted share is gone everywhere", async () => {
      await expectError(await t.target.fetch(`/api/share/${created.id}`), 404, "not_found");
      expect((await getPage(t.target, created.id)).status).toBe(404);
      expect((await getImage(t.target, created.id)).status).toBe(404);
      const listed = (await listAll(t.target)).shares.map((s) => s.id);
      expect(listed).not.toContain(created.id);
      expect(listed).toContain(keep.id);
    });
    if (r2) expect(await r2.get(`images/${created.id}`)).toBeNull();
    if (before) {
      const after = await monitoring(t.target);
      expect(after.shares.total).toBe(before.shares.total - 1);
      expect(after.shares.r2Stored).toBe(before.shares.r2Stored - (created.isR2Stored ? 1 : 0));
    }
    // Deleting it again finds nothing.
    expect(await deleteShare(t.target, created.id)).toBe(404);
    expect((await getShare(t.target, keep.id)).body).toEqual(stored(keep));
  });

  /** A share whose image is in R2, then `step` run on it while R2 fails `op` (cleared after). */
  async function whileR2Fails<T>(
    ctx: TestContext,
    op: "get" | "delete",
    step: (created: CreatedShare) => Promise<T>,
  ): Promise<{ created: CreatedShare; during: T }> {
    const useHandlers = t.control(ctx, "useHandlers");
    const faults = t.control(ctx, "faults");
    const created = await createWithImage(t.target, factory, useHandlers);
    expect(created.isR2Stored).toBe(true);
    try {
      await faults.add({ service: "r2", op, kind: "error", status: op === "get" ? 500 : 503 });
      return { created, during: await step(created) };
    } finally {
      await faults.clear();
    }
  }

  it("answers /images/:id with 503 storage_unavailable and Retry-After while R2 fails, and the image after", async (ctx) => {
    const { created, during: res } = await whileR2Fails(ctx, "get", (share) =>
      t.target.fetch(`/images/${share.id}`),
    );
    expect(res.headers.get("retry-after")).toBe("5");
    // Not an image, so never kept as one: no public caching of the failure.
    expect(res.headers.get("cache-control")).toBe("no-store");
    const answer = await expectError(res, 503, "storage_unavailable");
    expect(answer.error.message).toBe("The image storage (R2) failed; try again");
    const image = await getImage(t.target, created.id);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("deletes a share R2 cannot delete the image of: 204, and neither the share nor its image is served", async (ctx) => {
    t.requireAdmin(ctx);
    const { created, during: status } = await whileR2Fails(ctx, "delete", (share) =>
      deleteShare(t.target, share.id),
    );
    expect(status).toBe(204);
    // The object R2 kept is nobody's to see: an image is served only while its share exists.
    await t.eventually(ctx, "the deleted share and its image are gone", async () => {
      await expectError(await t.target.fetch(`/api/share/${created.id}`), 404, "not_found");
      await expectError(await t.target.fetch(`/images/${created.id}`), 404, "not_found");
      expect((await listAll(t.target)).shares.map((s) => s.id)).not.toContain(created.id);
    });
    // A retry finds no share, and clears the image R2 kept.
    expect(await deleteShare(t.target, created.id)).toBe(404);
    const r2 = t.target.control.r2;
    if (r2) expect(await r2.get(`images/${created.id}`)).toBeNull();
  });

  it("serves no image whose share is gone, though R2 still holds it", async (ctx) => {
    const kv = t.control(ctx, "kv");
    const useHandlers = t.control(ctx, "useHandlers");
    t.require(ctx, caps.storesInKv, "the memory backend keeps its records out of KV's reach");
    const created = await createWithImage(t.target, factory, useHandlers);
    expect((await getImage(t.target, created.id)).status).toBe(200);
    // The record gone behind the Worker's back (a crash between a delete's two steps, an expiry):
    // its image is not served once the isolate's cached read of the share has aged out.
    await kv.delete(`share:${created.id}`);
    await t.control(ctx, "clock").advance(windows.readCacheMs + 1000);
    await expectError(await t.target.fetch(`/images/${created.id}`), 404, "not_found");
  });

  it("serves an object R2 holds under a type that is not a stored raster type only as a download", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const created = await createWithImage(t.target, factory, useHandlers);
    expect(created.isR2Stored).toBe(true);
    // What a copy written before the bytes were checked may hold.
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    for (const contentType of ["image/svg+xml", "text/html", undefined]) {
      await r2.put(`images/${created.id}`, svg, contentType ? { contentType } : {});
      const image = await getImage(t.target, created.id);
      expect(image.status, contentType).toBe(200);
      expect(image.headers.get("content-type"), contentType).toBe("application/octet-stream");
      expect(image.headers.get("content-disposition"), contentType).toBe(
        `attachment; filename="${created.id}"`,
      );
      expect(image.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    }
  });

  // Last: the clock only moves forward, and this moves it 30 days.
  it("keeps a share for 30 days, then answers 404 on the API and the page", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const created = await createShare(t.target, factory.createBody());
    await clock.advance(windows.shareTtlMs - 120_000);
    expect((await getShare(t.target, created.id)).status).toBe(200);
    expect((await getPage(t.target, created.id)).status).toBe(200);
    await clock.advance(180_000);
    await expectError(await t.target.fetch(`/api/share/${created.id}`), 404, "not_found");
    expect((await getPage(t.target, created.id)).status).toBe(404);
  });
});

describe(`share page with PUBLIC_ORIGIN set [${backend}]`, () => {
  const origin = "https://share.example.com";
  // As an operator types it: the trailing slash is not part of the origin.
  const t = useTarget({ vars: { PUBLIC_ORIGIN: `${origin}/` } });

  it("builds its absolute links from PUBLIC_ORIGIN, not from the request", async () => {
    const { useHandlers } = t.target.control;
    const created = await createWithImage(t.target, factory, useHandlers);
    const page = await getPage(t.target, created.id);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<meta property="og:url" content="${origin}/s/${created.id}" />`);
    const image = created.isR2Stored ? `${origin}/images/${created.id}` : created.generatedUrl;
    expect(page.html).toContain(`<meta property="og:image" content="${escaped(image)}" />`);
    expect(page.html).toContain(`<meta name="twitter:image" content="${escaped(image)}" />`);
    if (created.isR2Stored) expect(page.html).toContain(`src="/images/${created.id}"`);
    const src = /<img src="([^"]+)"/.exec(page.html)?.[1];
    expect(src).toBeTruthy();
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(cspAllows(csp, "img-src", src!.replace(/&amp;/g, "&"), origin), csp).toBe(true);
  });
});

describe(`get with a small read cache, CACHE_MAX_ENTRIES=4 [${backend}]`, () => {
  const t = useTarget({
    vars: { CACHE_MAX_ENTRIES: "4" },
    onlyIf: [caps.readCache, "the memory backend has no read cache"],
  });

  it("keeps at most 4 entries, evicting the least recently used, and reports the bound", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const created: ShareData[] = [];
    for (let i = 0; i < 6; i++)
      created.push(stored(await createShare(t.target, factory.createBody())));
    for (const share of created.slice(2)) await getShare(t.target, share.id);
    const m = await monitoring(t.target);
    expect(m.cache.maxSize).toBe(4);
    expect(m.cache.size).toBeLessThanOrEqual(4);
    await counters.reset();
    // The four most recently used answer from the cache; the oldest was evicted and reads KV.
    for (const share of created.slice(2))
      expect((await getShare(t.target, share.id)).body).toEqual(share);
    expect((await counters.get()).total.reads).toBe(0);
    expect((await getShare(t.target, created[0]!.id)).body).toEqual(created[0]);
    expect((await counters.get()).total.reads).toBe(1);
    expect((await monitoring(t.target)).cache.size).toBeLessThanOrEqual(4);
    // Held now: 3, 4, 5, 0. Reading 3 makes it the most recently used, so reading 1 (a miss)
    // evicts 4, not 3.
    expect((await getShare(t.target, created[3]!.id)).body).toEqual(created[3]);
    expect((await getShare(t.target, created[1]!.id)).body).toEqual(created[1]);
    await counters.reset();
    expect((await getShare(t.target, created[3]!.id)).body).toEqual(created[3]);
    expect((await counters.get()).total.reads, "a recently read share was evicted").toBe(0);
    expect((await getShare(t.target, created[4]!.id)).body).toEqual(created[4]);
    expect((await counters.get()).total.reads, "the least recently used share was kept").toBe(1);
    // Held now, least recently used first: 0, 1, 3, 4. Once they are stale, reading them again
    // from KV (4, 3, 1, 0) makes each the most recently used: a new share then evicts 4, not 0.
    await t.control(ctx, "clock").advance(windows.readCacheMs + 1000);
    for (const i of [4, 3, 1, 0])
      expect((await getShare(t.target, created[i]!.id)).status).toBe(200);
    await createShare(t.target, factory.createBody());
    await counters.reset();
    expect((await getShare(t.target, created[0]!.id)).body).toEqual(created[0]);
    expect((await counters.get()).total.reads, "a share just read again was evicted").toBe(0);
  });
});

describe(`get with CACHE_TTL_SECONDS=60 and KV_OP_TIMEOUT_MS=1000, 2 isolates [${backend}]`, () => {
  const t = useTarget({
    isolates: 2,
    vars: { CACHE_TTL_SECONDS: "60", KV_OP_TIMEOUT_MS: "1000" },
    onlyIf: [caps.readCache, "the memory backend has no read cache"],
  });

  it("keeps a read for the configured 60 s, then reads KV again", async (ctx) => {
    const counters = t.control(ctx, "counters");
    const clock = t.control(ctx, "clock");
    const created = stored(await createShare(t.target, factory.createBody()));
    await counters.reset();
    await clock.advance(50_000);
    expect((await getShare(t.target, created.id)).body).toEqual(created);
    expect((await counters.get()).total.reads).toBe(0);
    await clock.advance(11_000);
    expect((await getShare(t.target, created.id)).body).toEqual(created);
    expect((await counters.get()).total.reads).toBe(1);
  });

  it("answers a KV read, a list or a list's bulk read slower than KV_OP_TIMEOUT_MS with 503, or a read with the stale copy it holds", async (ctx) => {
    t.requireIsolates(ctx, 2);
    const faults = t.control(ctx, "faults");
    const kv = t.control(ctx, "kv");
    const clock = t.control(ctx, "clock");
    const held = stored(await createShare(t.target, factory.createBody()));
    // A share too long for its metadata, written elsewhere (nothing cached anywhere): a list
    // reads its value in bulk, and that read is bounded like every other.
    const now = await clock.now();
    const f = createShareFactory(2207, { now });
    const long = f.entry(f.share({ timestamp: now, prompt: "p".repeat(2000) }));
    expect(long.metadata).toMatchObject({ full: false });
    await kv.put(long.key, long.value, { metadata: long.metadata, expirationTtl: 3600 });
    // The held copy is stale now, and no edge cache answers a list.
    await clock.advance(Math.max(61_000, windows.edgeCacheMs + 1000));
    // Isolate 0's reads and lists are slow; isolate 1's lists answer, its bulk reads are slow.
    await faults.add({
      op: "getWithMetadata",
      prefix: "share:",
      kind: "latency",
      ms: 20_000,
      isolate: 0,
    });
    await faults.add({ op: "list", kind: "latency", ms: 20_000, isolate: 0 });
    await faults.add({ op: "get", prefix: "share:", kind: "latency", ms: 20_000, isolate: 1 });
    try {
      // All four wait out the same timeout: sent together, the check waits for it once.
      const [res, stale, list, bulk] = await Promise.all([
        t.target.fetch(`/api/share/${never()}`),
        getShare(t.target, held.id),
        t.target.fetch("/api/shares"),
        t.target.fetch("/api/shares", {}, 1),
      ]);
      expect(res.headers.get("retry-after"), `${res.status} ${await res.clone().text()}`).toBe("5");
      await expectError(res, 503, "storage_unavailable");
      expect(stale.status).toBe(200);
      expect(stale.body).toEqual(held);
      expect(list.headers.get("retry-after"), `${list.status}`).toBe("5");
      await expectError(list, 503, "storage_unavailable");
      await expectError(bulk, 503, "storage_unavailable");
    } finally {
      await faults.clear();
    }
  });
});

// Either zero turns the read cache off: no time to keep a read, or no room for one.
for (const [name, value] of [
  ["CACHE_TTL_SECONDS", "0"],
  ["CACHE_MAX_ENTRIES", "0"],
] as const) {
  describe(`get with ${name}=${value} [${backend}]`, () => {
    const t = useTarget({
      vars: { [name]: value },
      onlyIf: [caps.readCache, "the memory backend has no read cache"],
    });

    it("keeps no read at all: every read of a share reads KV", async (ctx) => {
      const counters = t.control(ctx, "counters");
      const created = stored(await createShare(t.target, factory.createBody()));
      await counters.reset();
      for (let i = 1; i <= 3; i++) {
        expect((await getShare(t.target, created.id)).body).toEqual(created);
        expect((await counters.get()).total.reads).toBe(i);
      }
    });
  });
}

describe(`delete with no ADMIN_TOKEN secret set (a blank one) [${backend}]`, () => {
  // `ADMIN_TOKEN= ` in .dev.vars: as unset as an empty one.
  const t = useTarget({ vars: { ADMIN_TOKEN: "  " } });

  it("answers 403 admin_disabled, saying how to enable it, and keeps the share", async () => {
    const created = await createShare(t.target, factory.createBody());
    const res = await t.target.fetch(`/api/share/${created.id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer anything" },
    });
    const body = await expectError(res, 403, "admin_disabled");
    expect(body.error.message).toMatch(/ADMIN_TOKEN/);
    expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
  });
});
