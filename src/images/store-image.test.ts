import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  envFor,
  postShare,
  request,
  useMiniflareEnv,
  validBody,
} from "../testing/miniflare-env.js";
import { MAX_IMAGE_BYTES, storeImage } from "./store-image.js";

const { world } = useMiniflareEnv();
afterAll(() => {
  vi.unstubAllGlobals();
});
beforeEach(() => {
  vi.unstubAllGlobals();
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const image = (body: BodyInit, type = "image/png", headers: Record<string, string> = {}) =>
  vi.fn(async () => new Response(body, { headers: { "content-type": type, ...headers } }));

describe("storeImage", () => {
  const base = () => ({
    id: "img1",
    url: "https://cdn.example.com/a.png",
    bucket: world.r2,
    timeoutMs: 1000,
  });

  it("stores an https image in R2 with its content type", async () => {
    const fetchImpl = image(PNG);
    expect(await storeImage({ ...base(), fetchImpl })).toEqual({ stored: true });
    const obj = await world.r2.get("images/img1");
    expect(new Uint8Array(await obj!.arrayBuffer())).toEqual(PNG);
    expect(obj!.httpMetadata?.contentType).toBe("image/png");
  });

  it("refuses non-images, oversize bodies, http URLs, errors and a missing bucket", async () => {
    const cases = [
      { fetchImpl: image("<html>", "text/html"), reason: /Not an image/ },
      {
        fetchImpl: image(PNG, "image/png", { "content-length": String(MAX_IMAGE_BYTES + 1) }),
        reason: /larger/,
      },
      { fetchImpl: image(new Uint8Array(MAX_IMAGE_BYTES + 1)), reason: /larger/ },
      { fetchImpl: vi.fn(async () => new Response("no", { status: 404 })), reason: /404/ },
      {
        fetchImpl: vi.fn(async () => Promise.reject(new DOMException("t", "TimeoutError"))),
        reason: /timed out/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const result = await storeImage({
        ...base(),
        id: `bad${i}`,
        fetchImpl: c.fetchImpl as typeof fetch,
      });
      expect(result.stored).toBe(false);
      expect(result.stored === false && result.reason).toMatch(c.reason);
      expect(await world.r2.head(`images/bad${i}`)).toBeNull();
    }
    const httpFetch = image(PNG);
    expect(
      (await storeImage({ ...base(), url: "http://cdn.example.com/a.png", fetchImpl: httpFetch }))
        .stored,
    ).toBe(false);
    expect(httpFetch).not.toHaveBeenCalled();
    expect((await storeImage({ ...base(), bucket: undefined, fetchImpl: image(PNG) })).stored).toBe(
      false,
    );
  });
});

describe("storeImage through the API", () => {
  it("creates with isR2Stored and serves /images/:id; failures still create with a warning", async () => {
    const env = envFor("kv", world);
    vi.stubGlobal("fetch", image(PNG, "image/webp"));
    const ok = (await (await postShare(env, { ...validBody(), storeImage: true })).json()) as {
      id: string;
      isR2Stored: boolean;
    };
    expect(ok.isR2Stored).toBe(true);
    const img = await request(env, `/images/${ok.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/webp");
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(PNG);
    const page = await (await request(env, `/s/${ok.id}`)).text();
    expect(page).toContain(`src="/images/${ok.id}"`);

    vi.stubGlobal("fetch", image("nope", "text/plain"));
    const res = await postShare(env, { ...validBody(), storeImage: true });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      isR2Stored: boolean;
      warning: { code: string };
    };
    expect(body.isR2Stored).toBe(false);
    expect(body.warning.code).toBe("image_not_stored");
    const missing = await request(env, `/images/${body.id}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");

    const m = (await (await request(env, "/api/monitoring")).json()) as {
      shares: { r2Stored: number };
    };
    expect(m.shares.r2Stored).toBe(1);
  });
});
