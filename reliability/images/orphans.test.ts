/**
 * No orphaned image in R2: a create that copied its image and then could not save its share gives
 * the image back; with an Idempotency-Key whose record was saved, the image stays for the retry,
 * which then serves it.
 */
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { useHarness } from "../support/use-harness.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const h = useHarness({
  vars: { KV_RETRY_BASE_MS: "1", KV_RETRY_MAX_ATTEMPTS: "2" },
  handlers: [
    http.get(/\/generated\//, () =>
      HttpResponse.arrayBuffer(PNG.buffer, { headers: { "content-type": "image/png" } }),
    ),
  ],
});
const factory = createShareFactory(52);
const create = (body: unknown, key?: string) =>
  h().fetch("/api/share", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: JSON.stringify(body),
  });

beforeEach(async () => {
  await h().faults.clear();
});

describe("images of shares that were not saved", () => {
  it("are removed when the share's write fails (503)", async () => {
    const before = await h().r2.list("images/");
    await h().faults.add({ op: "put", prefix: "share:", kind: "error", status: 503 });
    const res = await create(factory.createBody({ storeImage: true }));
    expect(res.status).toBe(503);
    expect(await h().r2.list("images/")).toEqual(before);
  });

  it("are removed when the key's record cannot be written, before any share", async () => {
    const before = await h().r2.list("images/");
    await h().faults.add({ op: "put", prefix: "idem:", kind: "error", status: 500 });
    const res = await create(factory.createBody({ storeImage: true }), '"img-1"');
    expect(res.status).toBe(503);
    expect(await h().r2.list("images/")).toEqual(before);
  });

  it("stay for a keyed retry when the record was saved, and the retry serves them", async () => {
    const body = factory.createBody({ storeImage: true });
    await h().faults.add({ op: "put", prefix: "share:", kind: "error", status: 503 });
    expect((await create(body, '"img-2"')).status).toBe(503);
    await h().faults.clear();
    const retry = await create(body, '"img-2"');
    expect(retry.status).toBe(201);
    const share = (await retry.json()) as { id: string; isR2Stored: boolean };
    expect(share.isR2Stored).toBe(true);
    const image = await h().fetch(`/images/${share.id}`);
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    const images = await h().r2.list("images/");
    expect(images.filter((k) => k === `images/${share.id}`)).toHaveLength(1);
  });
});
