/**
 * Check 1 of the guide, "分享创建和存储": creating a share, its id, where it is stored and for
 * how long, every class of bad input, copying the image into R2 (or not, when the image host
 * fails), and KV refusing a write as invalid (400/413/414), which is a bug to surface, not an
 * outage to retry or hide.
 */
import { delay, http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { FaultRule } from "../harness/types.js";
import { MAX_IMAGE_BYTES } from "../src/images/store-image.js";
import type { CreateShareInput } from "../src/shares/create-schema.js";
import { SHARE_TTL_SECONDS } from "../src/shares/schema.js";
import {
  CROCKFORD,
  createShare,
  createWithImage,
  deleteShare,
  expectError,
  failingImageHost,
  getImage,
  getShare,
  idTime,
  imageHost,
  monitoring,
  PNG,
  listAll,
  postKeyed,
  postShare,
  stored,
  type CreatedShare,
} from "./support/api.js";
import { capabilities } from "./support/capabilities.js";
import { suiteFactory, suiteRunId } from "./support/own-data.js";
import { FALLBACK_MODE_VARS } from "./support/target.js";
import { suiteRun } from "./support/use-target.js";

const { backend, useTarget } = await suiteRun(import.meta.url);
const caps = capabilities[backend];
const factory = suiteFactory(1101);
const ID = new RegExp(`^[${CROCKFORD}]{18}$`);

describe(`create [${backend}]`, () => {
  const t = useTarget();

  it("answers 201 with the share, its page URL and a Location, and the share reads back", async (ctx) => {
    const body = factory.createBody();
    const clock = t.target.control.clock;
    // The Worker's clock: virtual time on a harness or session; else this machine's, give or
    // take 10 minutes of skew to a remote target.
    const now = async () => (clock ? clock.now() : Date.now());
    const slack = clock ? 1000 : 600_000;
    // Virtual time away from this machine's: both of the share's times must come from the Worker's.
    await clock?.advance(3_600_000);
    const before = await now();
    const res = await postShare(t.target, body);
    const after = await now();
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const id = res.body.id;
    expect(res.body).toMatchObject({ ...body, isR2Stored: false, url: `/s/${id}` });
    expect(new Date(res.body.createdAt).getTime()).toBe(res.body.timestamp);
    expect(res.body.timestamp).toBeGreaterThanOrEqual(before - slack);
    expect(res.body.timestamp).toBeLessThanOrEqual(after + slack);
    expect(res.headers.get("location")).toBe(`/api/share/${id}`);
    await t.eventually(ctx, "the new share reads back", async () => {
      const read = await getShare(t.target, id);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(stored(res.body));
    });
  });

  it("gives every share its own 18-character Crockford id: 10 characters of creation time, 8 random", async () => {
    const created = await Promise.all(
      Array.from({ length: 100 }, () => createShare(t.target, factory.createBody())),
    );
    const ids = created.map((s) => s.id);
    for (const share of created) {
      expect(share.id).toMatch(ID);
      expect(idTime(share.id), share.id).toBe(share.timestamp);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Shares made in the same millisecond differ only in the random part: it must not repeat.
    const suffixes = ids.map((id) => id.slice(10));
    expect(new Set(suffixes).size).toBe(suffixes.length);
    // 100 draws of 8 uniform characters: each position shows most of the 32 symbols, and all 32
    // appear somewhere (a weaker source, e.g. digits only or a counter, cannot).
    for (let position = 0; position < 8; position++) {
      const seen = new Set(suffixes.map((s) => s[position]));
      expect(seen.size, `random character ${position + 1}`).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(suffixes.join("")).size).toBe(32);
    // No create overwrote another: each id reads back its own prompt.
    const reads = await Promise.all(created.slice(0, 20).map((s) => getShare(t.target, s.id)));
    expect(reads.map((r) => r.body.prompt)).toEqual(created.slice(0, 20).map((s) => s.prompt));
  });

  it(
    caps.storesInKv
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
    const { counters, kv } = t.target.control;
    // The KV layer counts what reached KV; without it, the Worker's own count of its writes.
    if (!counters) t.requireOneLocation(ctx);
    await counters?.reset();
    const before = counters ? undefined : await monitoring(t.target);
    const created = await Promise.all(
      [1, 2, 3].map(() => createShare(t.target, factory.createBody())),
    );
    const writes = counters
      ? (await counters.get()).total.writes
      : (await monitoring(t.target)).kv.writes - before!.kv.writes;
    expect(writes).toBe(t.target.capabilities.storesInKv || !counters ? created.length : 0);
    if (kv) expect(await kv.get("share:list")).toBeNull();
  });

  it("accepts a JSON body sent with a UTF-8 charset in any spelling, and stores the prompt trimmed", async (ctx) => {
    // Charset names are case-insensitive (RFC 9110); `utf8` is UTF-8's other WHATWG label.
    for (const type of [
      "application/json; charset=utf-8",
      "Application/JSON; Charset=UTF-8",
      "application/json;charset=utf8",
    ]) {
      const body = factory.createBody();
      const res = await t.target.fetch("/api/share", {
        method: "POST",
        headers: { "content-type": type },
        body: JSON.stringify({ ...body, prompt: `  ${body.prompt}\n ` }),
      });
      expect(res.status, type).toBe(201);
      const created = (await res.json()) as { id: string; prompt: string };
      t.target.own.add(created.id);
      expect(created.prompt).toBe(body.prompt);
      await t.eventually(ctx, "the trimmed prompt reads back", async () => {
        expect((await getShare(t.target, created.id)).body.prompt).toBe(body.prompt);
      });
    }
  });

  it("refuses a JSON body declared in a charset other than UTF-8 with 415, storing nothing", async () => {
    const counted = t.target.freshStore && t.target.oneLocation;
    const before = counted ? (await monitoring(t.target)).shares.total : 0;
    // The body is always read as UTF-8: one its sender encoded otherwise is refused, not misread.
    for (const charset of ["iso-8859-1", "ISO-8859-15", "windows-1252", "utf-16"]) {
      const res = await t.target.fetch("/api/share", {
        method: "POST",
        headers: { "content-type": `application/json; charset=${charset}` },
        body: JSON.stringify(factory.createBody()),
      });
      await expectError(res, 415, "unsupported_media_type");
    }
    if (counted) expect((await monitoring(t.target)).shares.total).toBe(before);
  });

  it("answers every class of invalid input with its 4xx and error code, storing nothing", async () => {
    const counted = t.target.freshStore && t.target.oneLocation;
    const before = counted ? (await monitoring(t.target)).shares.total : 0;
    for (const invalid of factory.invalidBodies()) {
      const res = await t.target.fetch("/api/share", {
        method: "POST",
        headers: { "content-type": invalid.contentType ?? "application/json" },
        body: invalid.body,
      });
      await expectError(res, invalid.expectedStatus, invalid.expectedCode);
    }
    if (counted) expect((await monitoring(t.target)).shares.total).toBe(before);
  });

  it("reads a body of exactly 64 KiB and refuses one byte more with 413; a body without a Content-Type is 415", async () => {
    const valid = factory.createBody();
    /** Valid JSON of exactly `bytes` bytes whose prompt is far past its limit. */
    const sized = (bytes: number) => {
      const shell = JSON.stringify({ ...valid, prompt: "" });
      return JSON.stringify({ ...valid, prompt: "x".repeat(bytes - shell.length) });
    };
    const atLimit = await postShare(t.target, sized(64 * 1024));
    expect(atLimit.status, "64 KiB is read: the prompt is refused").toBe(400);
    expect(atLimit.body.error?.fields?.map((f) => f.path)).toContain("prompt");
    const past = await t.target.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sized(64 * 1024 + 1),
    });
    await expectError(past, 413, "payload_too_large");
    // Bytes, so fetch adds no Content-Type of its own.
    const untyped = await t.target.fetch("/api/share", {
      method: "POST",
      body: new TextEncoder().encode(JSON.stringify(valid)),
    });
    await expectError(untyped, 415, "unsupported_media_type");
    expect((await listAll(t.target)).shares.map((s) => s.prompt)).not.toContain(valid.prompt);
  });

  it("accepts each field at its limit and refuses it one past, naming the field", async (ctx) => {
    const url = (length: number) => {
      const head = "https://img.example.com/";
      return head + "a".repeat(length - head.length);
    };
    const accepted: [string, Partial<CreateShareInput>][] = [
      ["a 2000-character prompt", { prompt: "p".repeat(2000) }],
      ["a 32-character style", { style: `a${"b".repeat(30)}-` }],
      ["a style of digits, - and _", { style: "8bit_pixel-art" }],
      ["2048-character URLs", { generatedUrl: url(2048), originalUrl: url(2048) }],
      ["storeImage false", { storeImage: false }],
    ];
    for (const [name, override] of accepted) {
      const body = { ...factory.createBody(), ...override };
      const res = await postShare(t.target, body);
      expect(res.status, name).toBe(201);
      expect(stored(res.body), name).toMatchObject(override.storeImage === false ? {} : override);
    }
    const refused: [string, Record<string, unknown>, string][] = [
      ["a 2001-character prompt", { prompt: "p".repeat(2001) }, "prompt"],
      ["a prompt of only whitespace", { prompt: " \n\t " }, "prompt"],
      ["a 33-character style", { style: "s".repeat(33) }, "style"],
      ["an upper-case style", { style: "Watercolor" }, "style"],
      ["a style starting with -", { style: "-noir" }, "style"],
      ["a 2049-character URL", { originalUrl: url(2049) }, "originalUrl"],
      [
        "a 2046-character URL that is 2050 once its spaces are escaped",
        { generatedUrl: url(2046).replace(/aaaa$/, " a a") },
        "generatedUrl",
      ],
      [
        "a URL with a user name",
        { generatedUrl: "https://user:pw@img.example.com/a.png" },
        "generatedUrl",
      ],
      [
        "a URL with a password and no user name",
        { originalUrl: "https://:pw@img.example.com/a.png" },
        "originalUrl",
      ],
      ["a relative URL", { originalUrl: "/a.png" }, "originalUrl"],
      ["storeImage as a string", { storeImage: "yes" }, "storeImage"],
      ["an unknown key", { extra: 1 }, "extra"],
    ];
    for (const [name, override, field] of refused) {
      const body = { ...factory.createBody(), ...override };
      const res = await postShare(t.target, JSON.stringify(body));
      expect(res.status, name).toBe(400);
      expect(res.body.error?.code, name).toBe("validation_failed");
      expect(
        res.body.error?.fields?.map((f) => f.path),
        name,
      ).toContain(field);
    }
    await t.eventually(ctx, "only the accepted bodies are listed", async () => {
      const prompts = (await listAll(t.target)).shares.map((s) => s.prompt);
      expect(prompts).not.toContain("p".repeat(2001));
    });
  });

  it("stores, lists and reads back a prompt of 2000 Chinese characters (6000 bytes in UTF-8)", async (ctx) => {
    const prompts = ["水墨画风格的山间小屋，清晨薄雾。".repeat(125), "夕阳下的灯塔".repeat(60)];
    const created: CreatedShare[] = [];
    for (const prompt of prompts) {
      const res = await postShare(t.target, factory.createBody({ prompt }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.prompt.startsWith(prompt)).toBe(true);
      created.push(res.body);
    }
    await t.eventually(ctx, "the shares read back and are listed in full", async () => {
      const listed = (await listAll(t.target)).shares;
      for (const share of created) {
        expect((await getShare(t.target, share.id)).body).toEqual(stored(share));
        expect(listed.find((s) => s.id === share.id)).toEqual(stored(share));
      }
    });
  });

  it("stores, answers and renders URLs in their normalised form", async (ctx) => {
    const body = factory.createBody({
      generatedUrl: "HTTPS://IMG.Example.com:443/a b/../c.png",
      originalUrl: "https:cdn.example.com/o.png?q=1#frag",
    });
    const created = await createShare(t.target, body);
    expect(created.generatedUrl).toBe("https://img.example.com/c.png");
    expect(created.originalUrl).toBe("https://cdn.example.com/o.png?q=1#frag");
    await t.eventually(ctx, "the normalised URLs read back", async () => {
      expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    });
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
    const created = await createWithImage(t.target, factory, useHandlers);
    expect(created.isR2Stored).toBe(true);
    expect(created.warning).toBeUndefined();
    const object = await r2.get(`images/${created.id}`);
    expect(object?.contentType).toBe("image/png");
    expect([...(object?.body ?? [])]).toEqual([...PNG]);
    const image = await getImage(t.target, created.id);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("cache-control")).toMatch(/immutable/);
    // Served so that it can only ever be an image.
    expect(image.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(image.headers.get("content-disposition")).toBe(`inline; filename="${created.id}.png"`);
    expect(image.bytes).toEqual([...PNG]);
    // A validator for caches: present, and the same on every read of the same bytes.
    const etag = image.headers.get("etag");
    expect(etag).toMatch(/^(W\/)?".+"$/);
    expect((await getImage(t.target, created.id)).headers.get("etag")).toBe(etag);
    expect((await getShare(t.target, created.id)).body.isR2Stored).toBe(true);
  });

  it("keeps the type its bytes have, not the one the image host declares", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const body = factory.createBody({ storeImage: true });
    useHandlers(
      http.get(body.generatedUrl, () =>
        HttpResponse.arrayBuffer(PNG.slice().buffer, {
          headers: { "content-type": "image/svg+xml" },
        }),
      ),
    );
    const created = await createShare(t.target, body);
    expect(created.isR2Stored).toBe(true);
    const image = await getImage(t.target, created.id);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("content-disposition")).toBe(`inline; filename="${created.id}.png"`);
    expect(image.bytes).toEqual([...PNG]);
  });

  it("stores and serves each raster format by its bytes: JPEG (JFIF and EXIF), GIF, WebP, AVIF", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
    const formats: [string, string, number[]][] = [
      ["image/jpeg", "jpg", [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...ascii("JFIF"), 0, 1]],
      ["image/jpeg", "jpg", [0xff, 0xd8, 0xff, 0xe1, 0, 0x10, ...ascii("Exif"), 0, 0]],
      ["image/gif", "gif", [...ascii("GIF87a"), 1, 0, 1, 0, 0, 0, 0]],
      ["image/gif", "gif", [...ascii("GIF89a"), 1, 0, 1, 0, 0, 0, 0]],
      ["image/webp", "webp", [...ascii("RIFF"), 0x1a, 0, 0, 0, ...ascii("WEBPVP8 "), 0, 0]],
      // AVIF named by a compatible brand, after a major brand of its own.
      [
        "image/avif",
        "avif",
        [0, 0, 0, 0x1c, ...ascii("ftypmif1"), 0, 0, 0, 0, ...ascii("mif1avifmiaf")],
      ],
    ];
    const bodies = formats.map(() => factory.createBody({ storeImage: true }));
    // Declared as nothing in particular: only the bytes count.
    useHandlers(
      ...formats.map(([, , bytes], i) =>
        http.get(bodies[i]!.generatedUrl, () =>
          HttpResponse.arrayBuffer(new Uint8Array(bytes).buffer, {
            headers: { "content-type": "application/octet-stream" },
          }),
        ),
      ),
    );
    for (const [i, [type, extension, bytes]] of formats.entries()) {
      const created = await createShare(t.target, bodies[i]!);
      expect(created.isR2Stored, `${type}: ${JSON.stringify(created.warning)}`).toBe(true);
      const image = await getImage(t.target, created.id);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe(type);
      expect(image.headers.get("content-disposition")).toBe(
        `inline; filename="${created.id}.${extension}"`,
      );
      expect(image.bytes).toEqual(bytes);
    }
  });

  it("does not store files in the same containers that are not images: WAV, AVI, HEIC, MP4", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
    const files: [string, number[]][] = [
      ["WAV", [...ascii("RIFF"), 0x24, 0, 0, 0, ...ascii("WAVEfmt "), 0x10, 0, 0, 0]],
      ["AVI", [...ascii("RIFF"), 0x24, 0, 0, 0, ...ascii("AVI LIST"), 0x10, 0, 0, 0]],
      ["HEIC", [0, 0, 0, 0x18, ...ascii("ftypheic"), 0, 0, 0, 0, ...ascii("mif1heic")]],
      ["MP4", [0, 0, 0, 0x18, ...ascii("ftypisom"), 0, 0, 2, 0, ...ascii("isomiso2")]],
    ];
    const bodies = files.map(() => factory.createBody({ storeImage: true }));
    useHandlers(
      ...files.map(([, bytes], i) =>
        http.get(bodies[i]!.generatedUrl, () =>
          HttpResponse.arrayBuffer(new Uint8Array(bytes).buffer, {
            headers: { "content-type": "image/webp" },
          }),
        ),
      ),
    );
    for (const [i, [name]] of files.entries()) {
      const created = await createShare(t.target, bodies[i]!);
      expect(created.isR2Stored, name).toBe(false);
      expect(created.warning?.code, name).toBe("image_not_stored");
      expect(await r2.get(`images/${created.id}`), name).toBeNull();
    }
  });

  it("follows up to 3 redirects of the image host, never a 4th, and never one to a local host", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const hop = (from: string, to: string) =>
      http.get(from, () => new HttpResponse(null, { status: 302, headers: { location: to } }));
    const png = (url: string) =>
      http.get(url, () =>
        HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } }),
      );
    // The second hop's Location is relative, as many hosts send it: resolved against its hop.
    const relative = (url: string) => new URL(url).pathname + new URL(url).search;
    const chain = (start: string, hops: number) =>
      Array.from({ length: hops }, (_, i) =>
        hop(
          i === 0 ? start : `${start}-${i}`,
          i === 1 ? relative(`${start}-${i + 1}`) : `${start}-${i + 1}`,
        ),
      ).concat(png(`${start}-${hops}`));

    const three = factory.createBody({ storeImage: true });
    useHandlers(...chain(three.generatedUrl, 3));
    const followed = await createShare(t.target, three);
    expect(followed.isR2Stored, JSON.stringify(followed.warning)).toBe(true);

    const four = factory.createBody({ storeImage: true });
    useHandlers(...chain(four.generatedUrl, 4));
    const refused = await createShare(t.target, four);
    expect(refused.isR2Stored).toBe(false);
    expect(refused.warning?.code).toBe("image_not_stored");
    expect(await r2.get(`images/${refused.id}`)).toBeNull();

    // A public host that redirects to an internal one: the internal one is never asked.
    const internal = "https://metadata.google.internal/image.png";
    const sneaky = factory.createBody({ storeImage: true });
    useHandlers(hop(sneaky.generatedUrl, internal), png(internal));
    const kept = await createShare(t.target, sneaky);
    expect(kept.isR2Stored).toBe(false);
    expect(kept.warning?.message).toContain("metadata.google.internal");
    expect((await getImage(t.target, kept.id)).status).toBe(404);

    // Only the default https port is fetched.
    const ported = factory.createBody({
      storeImage: true,
      generatedUrl: "https://img.example.com:8443/ported.png",
    });
    useHandlers(png(ported.generatedUrl));
    const unported = await createShare(t.target, ported);
    expect(unported.isR2Stored).toBe(false);
    expect(unported.warning?.message).toContain("8443");
  });

  it("still creates the share, with isR2Stored false and a warning, when the image host fails", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const body = factory.createBody({ storeImage: true });
    useHandlers(failingImageHost(body.generatedUrl));
    const key = freshKey();
    const res = await postKeyed(t.target, body, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const created = res.body;
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect(await r2.get(`images/${created.id}`)).toBeNull();
    expect((await getImage(t.target, created.id)).status).toBe(404);
    expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    // A retry of the create is answered as the first was, warning included.
    const replay = await postKeyed(t.target, body, key);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(created);
  });

  it("still creates the share, with isR2Stored false and a warning, when R2 refuses the copy", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const faults = t.control(ctx, "faults");
    const body = factory.createBody({ storeImage: true });
    useHandlers(imageHost(body.generatedUrl));
    let refused: Awaited<ReturnType<typeof postShare>>;
    try {
      await faults.add({ service: "r2", op: "put", kind: "error", status: 503 });
      refused = await postShare(t.target, body);
    } finally {
      await faults.clear();
    }
    expect(refused.status, JSON.stringify(refused.body)).toBe(201);
    const created = refused.body;
    expect(created.isR2Stored).toBe(false);
    expect(created.warning).toMatchObject({ code: "image_not_stored" });
    // Nothing of R2's error reaches the client; the share is whole: read back, listed, its page up.
    expect(JSON.stringify(created.warning)).not.toMatch(/10043|Service Unavailable/);
    expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
    expect((await listAll(t.target)).shares.map((s) => s.id)).toContain(created.id);
    expect((await getImage(t.target, created.id)).status).toBe(404);
    // R2 back: the next copy is stored.
    const next = factory.createBody({ storeImage: true });
    useHandlers(imageHost(next.generatedUrl));
    expect((await createShare(t.target, next)).isR2Stored).toBe(true);
  });

  it("copies an image of exactly 10 MiB (one byte more is refused: the unit tests)", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const body = factory.createBody({ storeImage: true });
    const image = new Uint8Array(MAX_IMAGE_BYTES);
    image.set(PNG);
    useHandlers(
      http.get(body.generatedUrl, () =>
        HttpResponse.arrayBuffer(image.buffer, { headers: { "content-type": "image/png" } }),
      ),
    );
    const kept = await createShare(t.target, body);
    expect(kept.isR2Stored, JSON.stringify(kept.warning)).toBe(true);
  });

  it("does not store bytes that are not an image, whatever their Content-Type says", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const r2 = t.control(ctx, "r2");
    const body = factory.createBody({ storeImage: true });
    useHandlers(
      http.get(body.generatedUrl, () =>
        HttpResponse.text("<html><script>alert(1)</script></html>", {
          headers: { "content-type": "image/png" },
        }),
      ),
    );
    const created = await createShare(t.target, body);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect(await r2.get(`images/${created.id}`)).toBeNull();
    expect((await getImage(t.target, created.id)).status).toBe(404);
    // An error answer is no image, though its bytes are one (a host's placeholder picture).
    const missing = factory.createBody({ storeImage: true });
    useHandlers(
      http.get(missing.generatedUrl, () =>
        HttpResponse.arrayBuffer(PNG.slice().buffer, {
          status: 404,
          headers: { "content-type": "image/png" },
        }),
      ),
    );
    const placeholder = await createShare(t.target, missing);
    expect(placeholder.isR2Stored).toBe(false);
    expect(placeholder.warning?.message).toContain("404");
    expect((await getImage(t.target, placeholder.id)).status).toBe(404);
  });

  it("retries a write KV answers 429 to, and answers a lasting 429 with 503 and Retry-After", async (ctx) => {
    const faults = t.control(ctx, "faults");
    t.require(ctx, caps.affectedByKvFaults, "the memory backend never calls KV, so never waits");
    await faults.add({ op: "put", kind: "error", status: 429, first: 1 });
    let retried: Awaited<ReturnType<typeof postShare>>;
    try {
      retried = await postShare(t.target, factory.createBody());
    } finally {
      await faults.clear();
    }
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect((await getShare(t.target, retried.body.id)).body).toEqual(stored(retried.body));
    // KV takes the key's record but keeps refusing the share: the client is told 503.
    const body = factory.createBody();
    const key = freshKey();
    await faults.add({ op: "put", prefix: "share:", kind: "error", status: 429 });
    let res: Response;
    try {
      res = await t.target.fetch("/api/share", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": JSON.stringify(key) },
        body: JSON.stringify(body),
      });
    } finally {
      await faults.clear();
    }
    expect(res.headers.get("retry-after")).toBe("5");
    await expectError(res, 503, "storage_unavailable");
    expect((await listAll(t.target)).shares.map((s) => s.prompt)).not.toContain(body.prompt);
    // Its retry once KV is back stores the share for good: neither still "in use" nor answered
    // from anything but KV.
    const retry = await postKeyed(t.target, body, key);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(stored(retry.body)).toMatchObject(body);
    expect(await t.control(ctx, "kv").get(`share:${retry.body.id}`)).not.toBeNull();
    const listed = (await listAll(t.target)).shares.filter((s) => s.prompt === body.prompt);
    expect(listed).toEqual([stored(retry.body)]);
  });

  it("expires a keyed create finished by its retry hours later 30 days after the first attempt", async (ctx) => {
    const faults = t.control(ctx, "faults");
    const clock = t.control(ctx, "clock");
    t.require(ctx, caps.affectedByKvFaults, "the memory backend never calls KV, so never waits");
    // KV takes the key's record but refuses the share: the create is cut off between its writes.
    const body = factory.createBody();
    const key = freshKey();
    const firstAt = await clock.now();
    await faults.add({ op: "put", prefix: "share:", kind: "error", status: 429 });
    try {
      const cut = await postKeyed(t.target, body, key);
      expect(cut.status).toBe(503);
      expect(cut.body.error?.code).toBe("storage_unavailable");
    } finally {
      await faults.clear();
    }
    await clock.advance(12 * 3600_000);
    const retry = await postKeyed(t.target, body, key);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    const share = retry.body;
    // The share is the first attempt's: its 30 days count from then, in KV as on its link.
    expect(share.timestamp).toBeLessThan(firstAt + 3600_000);
    const entry = await t.control(ctx, "kv").getWithMetadata(`share:${share.id}`);
    const expected = Math.floor(share.timestamp / 1000) + SHARE_TTL_SECONDS;
    expect(entry.expiration).toBeGreaterThan(expected - 60);
    expect(entry.expiration).toBeLessThanOrEqual(expected + 60);
    await clock.advance(share.timestamp + SHARE_TTL_SECONDS * 1000 + 60_000 - (await clock.now()));
    // Gone everywhere at once: a listed share whose link answers 404 would be a broken link.
    expect((await getShare(t.target, share.id)).status).toBe(404);
    expect((await listAll(t.target)).shares.map((s) => s.id)).not.toContain(share.id);
  });

  it("serves no image for a share created without storeImage", async () => {
    const created = await createShare(t.target, factory.createBody());
    await expectError(await t.target.fetch(`/images/${created.id}`), 404, "not_found");
  });
});

/** A key no other check or run uses (keys are remembered for 24 h on a real target). */
let keys = 0;
const freshKey = () =>
  `suite-${suiteRunId()}-${process.pid}-${++keys}-${Math.random().toString(36).slice(2)}`;

describe(`create with an Idempotency-Key [${backend}]`, () => {
  const t = useTarget();

  it("answers a retry with the same key and body with the same share, marked replayed, and stores one", async (ctx) => {
    const body = factory.createBody();
    const key = freshKey();
    const first = await postKeyed(t.target, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    for (let retry = 0; retry < 2; retry++) {
      const again = await postKeyed(t.target, body, key);
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.headers.get("location")).toBe(`/api/share/${first.body.id}`);
      expect(again.body).toEqual(first.body);
    }
    await t.eventually(ctx, "one share is listed for the key", async () => {
      const listed = (await listAll(t.target)).shares.filter((s) => s.prompt === body.prompt);
      expect(listed).toEqual([stored(first.body)]);
    });
    // Without the key, the same body is a new share.
    const unkeyed = await createShare(t.target, body);
    expect(unkeyed.id).not.toBe(first.body.id);
  });

  it("counts a keyed create as one share, and its key's record as neither a share nor a corrupt one", async (ctx) => {
    const clock = t.control(ctx, "clock");
    t.requireOneLocation(ctx);
    t.requireAdmin(ctx);
    // Counts from a rescan of the store (the admin's, once the held one is 60 s old).
    await clock.advance(61_000);
    const before = await monitoring(t.target);
    expect((await postKeyed(t.target, factory.createBody(), freshKey())).status).toBe(201);
    await clock.advance(61_000);
    const after = await monitoring(t.target);
    expect(after.shares.total).toBe(before.shares.total + 1);
    expect(after.corruptRecords).toBe(before.corruptRecords);
  });

  it("accepts a key of exactly 255 characters, and tells bodies apart by storeImage too", async (ctx) => {
    const useHandlers = t.target.control.useHandlers;
    const body = factory.createBody();
    useHandlers?.(imageHost(body.generatedUrl));
    const key = freshKey().padEnd(255, "k");
    const first = await postKeyed(t.target, body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await postKeyed(t.target, body, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    // The same fields asking for a copy of the image are another request.
    const withCopy = await postKeyed(t.target, { ...body, storeImage: true }, key);
    expect(withCopy.status).toBe(422);
    expect(withCopy.body.error?.code).toBe("idempotency_key_reused");
    await t.eventually(ctx, "one share is listed for the key", async () => {
      const listed = (await listAll(t.target)).shares.filter((s) => s.prompt === body.prompt);
      expect(listed).toEqual([stored(first.body)]);
    });
  });

  it("refuses the same key with another body (422 idempotency_key_reused), storing nothing", async (ctx) => {
    const key = freshKey();
    const body = factory.createBody();
    const first = await postKeyed(t.target, body, key);
    expect(first.status).toBe(201);
    const other = factory.createBody();
    const reused = await postKeyed(t.target, other, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error?.code).toBe("idempotency_key_reused");
    // A body that differs in any one field is another request too.
    const oneChanged: Partial<CreateShareInput>[] = [
      { generatedUrl: `${body.generatedUrl}#2` },
      { originalUrl: `${body.originalUrl}#2` },
      { prompt: `${body.prompt} (2)` },
      { style: `${body.style.slice(0, 30)}-2` },
    ];
    for (const change of oneChanged) {
      const changed = await postKeyed(t.target, { ...body, ...change }, key);
      expect(changed.status, JSON.stringify(change)).toBe(422);
    }
    // Keys are compared exactly: the same key in other letter case is another client's key.
    const otherCase = await postKeyed(t.target, factory.createBody(), key.toUpperCase());
    expect(otherCase.status, JSON.stringify(otherCase.body)).toBe(201);
    expect(otherCase.headers.get("idempotent-replayed")).toBeNull();
    expect(otherCase.body.id).not.toBe(first.body.id);
    // The refusals leave the key as it was: the first body is still answered with its share.
    const again = await postKeyed(t.target, body, key);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    await t.eventually(ctx, "the refused body is not listed", async () => {
      const listed = (await listAll(t.target)).shares.map((s) => s.prompt);
      expect(listed).toContain(first.body.prompt);
      expect(listed).not.toContain(other.prompt);
    });
  });

  it.each([
    ["an empty string", '""'],
    ["a key of 256 characters", JSON.stringify("k".repeat(256))],
    ["a bare key with a space", "my key"],
    ["an inner list", "(a b)"],
  ])(
    "answers a malformed key (%s) with 400 invalid_idempotency_key, storing nothing",
    async (_name, header) => {
      const body = factory.createBody();
      const res = await postShare(t.target, body, undefined, "application/json", {
        "idempotency-key": header,
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe("invalid_idempotency_key");
      expect((await listAll(t.target)).shares.map((s) => s.prompt)).not.toContain(body.prompt);
    },
  );

  it("does not bring back a deleted share when its create is retried", async (ctx) => {
    t.requireAdmin(ctx);
    const body = factory.createBody();
    const key = freshKey();
    const first = await postKeyed(t.target, body, key);
    expect(first.status).toBe(201);
    // Deleted a while after its create; retried at once, and again hours later (within 24 h).
    const clock = t.target.control.clock;
    await clock?.advance(10 * 60_000);
    expect(await deleteShare(t.target, first.body.id)).toBe(204);
    const retry = await postKeyed(t.target, body, key);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    if (clock) {
      await clock.advance(2 * 3600_000);
      const later = await postKeyed(t.target, body, key);
      expect(later.headers.get("idempotent-replayed")).toBe("true");
      expect(later.body.id).toBe(first.body.id);
    }
    await t.eventually(ctx, "the deleted share stays deleted", async () => {
      expect((await getShare(t.target, first.body.id)).status).toBe(404);
      expect((await listAll(t.target)).shares.map((s) => s.id)).not.toContain(first.body.id);
    });
  });

  it("answers 409 idempotency_key_in_use with Retry-After while the first create still runs", async (ctx) => {
    const faults = t.control(ctx, "faults");
    t.require(ctx, caps.affectedByKvFaults, "the memory backend never calls KV, so never waits");
    const body = factory.createBody();
    const key = freshKey();
    // Every KV write is held until the rule is removed (or 20 s pass), so whichever create the
    // isolate takes first is still running when the other arrives, however loaded the machine.
    // The other is answered while the first is held; only then do the writes go on. A Worker
    // that let both run would answer neither before the 20 s were up, then 201 twice.
    await faults.add({ op: "put", kind: "latency", ms: 20_000 });
    let answers: Awaited<ReturnType<typeof postKeyed>>[];
    try {
      const both = [postKeyed(t.target, body, key), postKeyed(t.target, body, key)];
      await Promise.race(both);
      await faults.clear();
      answers = await Promise.all(both);
    } finally {
      await faults.clear();
    }
    const first = answers.find((a) => a.status === 201);
    const second = answers.find((a) => a !== first);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(second!.body.error?.code).toBe("idempotency_key_in_use");
    expect(second!.headers.get("retry-after")).toBe("1");
    const retry = await postKeyed(t.target, body, key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first!.body.id);
  });

  it("keeps a share created with a key for 30 days, like any other, then lets it expire", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const key = freshKey();
    const first = await postKeyed(t.target, factory.createBody(), key);
    expect(first.status).toBe(201);
    const kv = t.target.control.kv;
    if (kv && t.target.capabilities.storesInKv) {
      const entry = await kv.getWithMetadata(`share:${first.body.id}`);
      const expected = Math.floor(first.body.timestamp / 1000) + SHARE_TTL_SECONDS;
      expect(entry.expiration).toBeGreaterThan(expected - 60);
      expect(entry.expiration).toBeLessThanOrEqual(expected + 60);
    }
    await clock.advance(SHARE_TTL_SECONDS * 1000 - 120_000);
    expect((await getShare(t.target, first.body.id)).status).toBe(200);
    await clock.advance(180_000);
    expect((await getShare(t.target, first.body.id)).status).toBe(404);
    expect((await listAll(t.target)).shares.map((s) => s.id)).not.toContain(first.body.id);
  });

  it("remembers a key for 24 hours: after that the same key and body make a new share", async (ctx) => {
    const clock = t.control(ctx, "clock");
    const body = factory.createBody();
    const key = freshKey();
    const first = await postKeyed(t.target, body, key);
    const kv = t.target.control.kv;
    if (kv && t.target.capabilities.storesInKv) {
      // What KV holds for the key expires with it: nothing is kept past the 24 hours.
      const now = Math.floor((await clock.now()) / 1000);
      const { keys: records } = await kv.list({ prefix: "idem:" });
      const values = await Promise.all(records.map((k) => kv.get(k.name)));
      const mine = records.filter((_, i) => values[i]?.includes(first.body.id));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.expiration).toBeGreaterThan(now + 24 * 3600 - 60);
      expect(mine[0]!.expiration).toBeLessThanOrEqual(now + 24 * 3600 + 60);
    }
    // Another keyed share, deleted in its key's last minute: a retry then still finds it deleted.
    const lastBody = factory.createBody();
    const lastKey = freshKey();
    const last = await postKeyed(t.target, lastBody, lastKey);
    expect(last.status).toBe(201);
    await clock.advance(23 * 3600_000);
    const within = await postKeyed(t.target, body, key);
    expect(within.body.id).toBe(first.body.id);
    await clock.advance(3600_000 - 30_000);
    if (t.target.adminToken) {
      expect(await deleteShare(t.target, last.body.id)).toBe(204);
      const retry = await postKeyed(t.target, lastBody, lastKey);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body.id).toBe(last.body.id);
      expect((await getShare(t.target, last.body.id)).status).toBe(404);
    }
    await clock.advance(90_000);
    const after = await postKeyed(t.target, body, key);
    expect(after.status).toBe(201);
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(after.body.id).not.toBe(first.body.id);
    expect((await getShare(t.target, first.body.id)).body).toEqual(stored(first.body));
  });
});

describe(`create with IMAGE_FETCH_TIMEOUT_MS=100 [${backend}]`, () => {
  const t = useTarget({ vars: { IMAGE_FETCH_TIMEOUT_MS: "100" } });

  it("gives up on an image host slower than the timeout: the share is created without a copy", async (ctx) => {
    const useHandlers = t.control(ctx, "useHandlers");
    const body = factory.createBody({ storeImage: true });
    useHandlers(
      http.get(body.generatedUrl, async () => {
        await delay(5000);
        return HttpResponse.arrayBuffer(PNG.slice().buffer, {
          headers: { "content-type": "image/png" },
        });
      }),
    );
    const created = await createShare(t.target, body);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect((await getImage(t.target, created.id)).status).toBe(404);
    expect((await getShare(t.target, created.id)).body).toEqual(stored(created));
  });
});

describe(`create with an invalid var, KV_RETRY_MAX_ATTEMPTS=0 [${backend}]`, () => {
  const t = useTarget({ vars: { KV_RETRY_MAX_ATTEMPTS: "0" } });

  it("answers 500 config_invalid naming the var, never a stack trace, and stores nothing", async () => {
    const res = await t.target.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(factory.createBody()),
    });
    const body = await expectError(res, 500, "config_invalid");
    expect(body.error.message).toContain("KV_RETRY_MAX_ATTEMPTS");
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    const list = await t.target.fetch("/api/shares");
    await expectError(list, 500, "config_invalid");
    // The operator reads why in the log.
    const logs = t.target.control.logs;
    if (logs) {
      const logged = (await logs.all()).filter(
        (l) => l.json?.event === "app_error" && l.json.code === "config_invalid",
      );
      expect(logged.length).toBeGreaterThanOrEqual(2);
    }
  });
});

const CREATE_LIMIT = 5;

describe(`create past the per-client limit (${CREATE_LIMIT} per 60 s) [${backend}]`, () => {
  const t = useTarget({
    rateLimits: { SHARE_CREATE_LIMITER: { limit: CREATE_LIMIT, period: 60 } },
  });

  it("answers 429 rate_limited with Retry-After past the limit, stores nothing, and counts only valid creates", async () => {
    // Invalid bodies are refused before the limit counts them.
    for (let i = 0; i < CREATE_LIMIT + 2; i++) {
      const res = await postShare(t.target, JSON.stringify({ prompt: "" }));
      expect(res.status).toBe(400);
    }
    // The limiter counts in windows aligned to the wall clock: note the window of each create.
    const window = () => Math.floor(Date.now() / 60_000);
    const startedIn = window();
    const accepted: string[] = [];
    let limited: Awaited<ReturnType<typeof postShare>> | undefined;
    let refusedBody: { prompt: string } | undefined;
    while (!limited && accepted.length <= 2 * CREATE_LIMIT) {
      const body = factory.createBody();
      const res = await postShare(t.target, body);
      if (res.status === 201) accepted.push(res.body.id);
      else {
        limited = res;
        refusedBody = body;
      }
    }
    expect(limited?.status).toBe(429);
    expect(limited!.body.error).toEqual({
      code: "rate_limited",
      message: "Too many shares created from this address; try again in 60 seconds",
    });
    expect(limited!.headers.get("retry-after")).toBe("60");
    // Headers a client sets itself name no other client: the limit holds whatever they say.
    const spoofed = await postShare(t.target, factory.createBody(), undefined, "application/json", {
      "x-forwarded-for": "203.0.113.9",
      "x-real-ip": "203.0.113.9",
    });
    if (window() === startedIn) expect(spoofed.status, JSON.stringify(spoofed.body)).toBe(429);
    // Exactly the limit within one window; a window boundary during the loop allows one more round.
    if (window() === startedIn) expect(accepted).toHaveLength(CREATE_LIMIT);
    else expect(accepted.length).toBeLessThanOrEqual(2 * CREATE_LIMIT);
    const listed = (await listAll(t.target)).shares;
    expect(listed.map((s) => s.prompt)).not.toContain(refusedBody!.prompt);
    expect(listed.map((s) => s.id)).toEqual(expect.arrayContaining(accepted));
    // Reads, lists and deletes are not limited.
    expect((await getShare(t.target, accepted[0]!)).status).toBe(200);
    // The limit is per client: another address still creates.
    const other = await postShare(t.target, factory.createBody(), undefined, "application/json", {
      "cf-connecting-ip": "198.51.100.23",
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    // An IPv6 client is its /64: a new interface id within it is the same client, counted on;
    // the next /64 is another client.
    const fromV6 = (address: string) =>
      postShare(t.target, factory.createBody(), undefined, "application/json", {
        "cf-connecting-ip": address,
      });
    let v6Limited: number | undefined;
    for (let i = 1; i <= 2 * CREATE_LIMIT + 1 && v6Limited === undefined; i++) {
      const res = await fromV6(`2001:db8:1:2::${i.toString(16)}`);
      if (res.status !== 201) v6Limited = res.status;
    }
    expect(v6Limited, "the addresses of one /64 share its limit").toBe(429);
    expect((await fromV6("2001:db8:1:3::1")).status).toBe(201);
  });
});

/** The limit errors KV gives a put: production's texts, injected by the harness's KV layer. */
const PUT_LIMIT_ERRORS: [string, FaultRule][] = [
  ["400 invalid expiration_ttl", { op: "put", kind: "error", status: 400 }],
  ["413 value too large", { op: "put", kind: "error", status: 413 }],
  ["413 metadata too large", { op: "put", kind: "error", status: 413, reason: "metadata" }],
  ["414 key too long", { op: "put", kind: "error", status: 414 }],
];

for (const fallback of ["reject", "memory"] as const) {
  describe(`create when KV refuses the write as invalid, ${fallback} mode [${backend}]`, () => {
    const t = useTarget({
      ...(fallback === "memory" ? { vars: FALLBACK_MODE_VARS } : {}),
      onlyIf: [caps.affectedByKvFaults, "the memory backend never calls KV"],
    });

    for (const [name, rule] of PUT_LIMIT_ERRORS) {
      it(`answers ${name} with 500 internal_error at once: no retry, no 503, nothing pending`, async (ctx) => {
        const faults = t.control(ctx, "faults");
        const counters = t.control(ctx, "counters");
        const before = await monitoring(t.target);
        await counters.reset();
        await faults.add(rule);
        let res: Response;
        try {
          res = await t.target.fetch("/api/share", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(factory.createBody()),
          });
        } finally {
          await faults.clear();
        }
        expect(res.headers.get("retry-after")).toBeNull();
        await expectError(res, 500, "internal_error");
        // One attempt reached KV: a 4xx is the Worker's bug, retrying it cannot help.
        expect((await counters.get()).total).toMatchObject({ writes: 1, faults: 1 });
        const after = await monitoring(t.target);
        expect(after.kv.retries - before.kv.retries).toBe(0);
        expect(after.kv.fallbacks - before.kv.fallbacks).toBe(0);
        expect(after.kv.pendingWrites).toBe(0);
        expect(after.shares.total).toBe(before.shares.total);
      });
    }
  });
}
