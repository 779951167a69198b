import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { storeImageCalls } from "../testing/store-image-calls.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { MAX_IMAGE_BYTES } from "./store-image.js";

const unit = useUnitWorker();

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>';
const { serve, store } = storeImageCalls(unit);
const image = (body: BodyInit, type = "image/png", headers: Record<string, string> = {}) =>
  new HttpResponse(body, { headers: { "content-type": type, ...headers } });

describe("storeImage", () => {
  it("stores an https image in R2 with the type its bytes show, whatever the header says", async () => {
    serve(() => image(PNG, "text/plain"));
    expect(await store({})).toEqual({ stored: true });
    const obj = await unit.r2.get("images/img1");
    expect(new Uint8Array(obj!.bytes)).toEqual(PNG);
    expect(obj!.contentType).toBe("image/png");
  });

  it("follows a redirect to another public https host, and no redirect to an internal one", async () => {
    const seen: string[] = [];
    unit.useHandlers([
      http.get("https://cdn.example.com/a.png", () => {
        seen.push("a");
        return new HttpResponse(null, { status: 302, headers: { location: "/moved.png" } });
      }),
      http.get("https://cdn.example.com/moved.png", () => {
        seen.push("moved");
        return new HttpResponse(null, {
          status: 301,
          headers: { location: "https://img.example.net/b" },
        });
      }),
      http.get("https://img.example.net/b", () => (seen.push("b"), image(PNG))),
      http.get(
        "https://cdn.example.com/elsewhere",
        () => new HttpResponse(null, { status: 302, headers: { location: "https://[::1]/" } }),
      ),
    ]);
    expect(await store({})).toEqual({ stored: true });
    expect(seen).toEqual(["a", "moved", "b"]);
    expect(await store({ id: "img2", url: "https://cdn.example.com/elsewhere" })).toEqual({
      stored: false,
      reason:
        "The image redirected to https://[::1]/, which was not fetched: [::1] is an IP address; only public host names are fetched",
    });
  });

  // A server that never answers: store-image.edges.test.ts (its reason word for word).
  it("refuses non-images, oversize bodies, http URLs, errors and a missing bucket", async () => {
    const cases: { answer: () => Response | Promise<Response>; reason: RegExp }[] = [
      { answer: () => image("<html>", "text/html"), reason: /Not a PNG, JPEG, GIF, WebP or AVIF/ },
      { answer: () => image(SVG, "image/svg+xml"), reason: /content-type image\/svg\+xml/ },
      {
        answer: () => image(PNG, "image/png", { "content-length": String(MAX_IMAGE_BYTES + 1) }),
        reason: /larger/,
      },
      { answer: () => image(new Uint8Array(MAX_IMAGE_BYTES + 1)), reason: /larger/ },
      { answer: () => new HttpResponse("no", { status: 404 }), reason: /404/ },
    ];
    for (const [i, c] of cases.entries()) {
      serve(c.answer);
      const result = await store({ id: `bad${i}` });
      expect(result.stored).toBe(false);
      expect(result.reason).toMatch(c.reason);
      expect(await unit.r2.has(`images/bad${i}`)).toBe(false);
    }
    serve(() => image(PNG));
    expect((await store({ url: "http://cdn.example.com/a.png" })).stored).toBe(false);
    expect(unit.outboundSeen).toEqual([]);
    expect((await store({ bucket: false })).stored).toBe(false);
  });
});

describe("storeImage through the API", () => {
  it("creates with isR2Stored and serves /images/:id; failures still create with a warning", async () => {
    const env = unit.env("kv");
    serve(() => image(PNG, "image/webp"));
    const ok = (await (await unit.postShare(env, { ...validBody(), storeImage: true })).json()) as {
      id: string;
      isR2Stored: boolean;
    };
    expect(ok.isR2Stored).toBe(true);
    const img = await unit.request(env, `/images/${ok.id}`);
    expect(img.status).toBe(200);
    // The bytes are a PNG: the header's image/webp does not count.
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(img.headers.get("content-disposition")).toBe(`inline; filename="${ok.id}.png"`);
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(PNG);
    const page = await (await unit.request(env, `/s/${ok.id}`)).text();
    expect(page).toContain(`src="/images/${ok.id}"`);

    serve(() => image("nope", "text/plain"));
    const res = await unit.postShare(env, { ...validBody(), storeImage: true });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      isR2Stored: boolean;
      warning: { code: string };
    };
    expect(body.isR2Stored).toBe(false);
    expect(body.warning.code).toBe("image_not_stored");
    const missing = await unit.request(env, `/images/${body.id}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");

    const m = (await (await unit.request(env, "/api/monitoring")).json()) as {
      shares: { r2Stored: number };
    };
    expect(m.shares.r2Stored).toBe(1);
  });
});
