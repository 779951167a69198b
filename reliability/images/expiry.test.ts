/**
 * Images end with their share: the bucket's lifecycle rule (30 days on `images/`), applied by the
 * harness on its virtual clock, seen through the Worker (`/images/:id`, `/api/share/:id`). Each
 * image's age counts from its own upload, so a younger image outlives an older one; the rule holds
 * when the clock moves through the dev server's control API, and when a store is opened again on a
 * later clock.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { createShareHarness } from "../../harness/share/index.js";
import type { Harness } from "../../harness/types.js";
import { createDevApp } from "../../harness/server/dev-server.js";
import { IMAGE_LIFECYCLE_RULE } from "../../src/images/lifecycle.js";
import { LIFTED_RATE_LIMITS, useHarness } from "../support/use-harness.js";

const DAY_MS = 86_400_000;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 5, 6, 7, 8]);
const handlers = [
  http.get(/\/generated\//, () =>
    HttpResponse.arrayBuffer(PNG.buffer, { headers: { "content-type": "image/png" } }),
  ),
];
const factory = createShareFactory(61);

async function createWithImage(harness: Harness): Promise<string> {
  const res = await harness.fetch("/api/share", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(factory.createBody({ storeImage: true })),
  });
  expect(res.status).toBe(201);
  const share = (await res.json()) as { id: string; isR2Stored: boolean };
  expect(share.isR2Stored).toBe(true);
  return share.id;
}

const status = async (harness: Harness, url: string) => (await harness.fetch(url)).status;

describe("an image's lifetime is its share's", () => {
  const h = useHarness({ handlers });

  it("the rule is the share's TTL on the images/ prefix", () => {
    expect(IMAGE_LIFECYCLE_RULE).toMatchObject({ prefix: "images/", expireDays: 30 });
  });

  it("is served until its 30 days are up, then gone with the share; a younger image stays", async () => {
    const older = await createWithImage(h());
    await h().clock.advance(29 * DAY_MS);
    expect(await status(h(), `/images/${older}`)).toBe(200);
    const younger = await createWithImage(h());

    await h().clock.advance(DAY_MS + 1000);
    expect(await status(h(), `/api/share/${older}`)).toBe(404);
    expect(await status(h(), `/images/${older}`)).toBe(404);
    expect(await h().r2.list(`images/${older}`)).toEqual([]);
    expect(await status(h(), `/images/${younger}`)).toBe(200);

    await h().restart();
    expect(await status(h(), `/images/${younger}`)).toBe(200);
    await h().clock.advance(29 * DAY_MS);
    expect(await status(h(), `/api/share/${younger}`)).toBe(404);
    expect(await status(h(), `/images/${younger}`)).toBe(404);
  });

  it("objects outside images/ are not the rule's", async () => {
    await h().r2.put("other/keep", PNG);
    await h().clock.advance(31 * DAY_MS);
    expect(await h().r2.list("other/")).toEqual(["other/keep"]);
  });

  it("moves with the clock the dev server's control API sets", async () => {
    const id = await createWithImage(h());
    const app = createDevApp(h());
    const advance = await app.request("http://127.0.0.1/__harness/clock/advance", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: 30 * DAY_MS }),
    });
    expect(advance.status).toBe(200);
    expect((await app.request(`http://127.0.0.1/images/${id}`)).status).toBe(404);
  });
});

describe("a persisted store opened on a later clock", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "image-expiry-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has dropped the images whose 30 days passed while it was closed", async () => {
    const options = { persistTo: dir, handlers, rateLimits: LIFTED_RATE_LIMITS };
    const first = await createShareHarness(options);
    let id: string;
    try {
      id = await createWithImage(first);
      expect(await status(first, `/images/${id}`)).toBe(200);
    } finally {
      await first.dispose();
    }
    const later = await createShareHarness({ ...options, clockStart: Date.now() + 31 * DAY_MS });
    try {
      expect(await status(later, `/images/${id}`)).toBe(404);
      expect(await later.r2.list("images/")).toEqual([]);
      expect(later.logs.all().map((l) => l.json?.event)).toContain("images_expired");
    } finally {
      await later.dispose();
    }
  });
});
