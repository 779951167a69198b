/**
 * Host-header poisoning of the publicly cached share page: an attacker requests `/s/:id` with
 * `Host: evil.example`; the page (Cache-Control: public) must not carry evil.example anywhere.
 * With PUBLIC_ORIGIN set, og:url and the R2 image's og:image use it whatever the Host says.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { postShare, useHarness } from "../support/use-harness.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]);
const imageHost = http.get("https://img.example/a.png", () =>
  HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } }),
);
const body = JSON.stringify({
  generatedUrl: "https://img.example/a.png",
  originalUrl: "https://img.example/o.png",
  prompt: "poisoned",
  style: "ink",
  storeImage: true,
});

async function createOn(h: ReturnType<typeof useHarness>): Promise<string> {
  const res = await postShare(h(), body);
  const created = (await res.json()) as { id: string; isR2Stored: boolean };
  expect(created.isR2Stored).toBe(true);
  return created.id;
}

const meta = (html: string, property: string) =>
  new RegExp(`property="${property}" content="([^"]*)"`).exec(html)?.[1];

describe("without PUBLIC_ORIGIN", () => {
  const h = useHarness({ handlers: [imageHost] });

  it("never reflects a foreign Host into the cached page", async () => {
    const id = await createOn(h);
    const res = await h().fetch(`http://evil.example/s/${id}`, {
      headers: { host: "evil.example" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const html = await res.text();
    expect(html).not.toContain("evil.example");
    expect(meta(html, "og:url")).toBeUndefined();
    expect(html).toContain(`src="/images/${id}"`);
  });

  it("uses the request's origin when it is a loopback host (wrangler dev, the harness)", async () => {
    const id = await createOn(h);
    const html = await (await h().fetch(`http://127.0.0.1:8787/s/${id}`)).text();
    expect(meta(html, "og:url")).toBe(`http://127.0.0.1:8787/s/${id}`);
    expect(meta(html, "og:image")).toBe(`http://127.0.0.1:8787/images/${id}`);
  });
});

describe("with PUBLIC_ORIGIN", () => {
  const h = useHarness({
    handlers: [imageHost],
    vars: { PUBLIC_ORIGIN: "https://share.example.com/" },
  });

  it("builds og:url and the image's og:image from it, whatever the Host", async () => {
    const id = await createOn(h);
    for (const url of [`http://evil.example/s/${id}`, `http://localhost/s/${id}`]) {
      const html = await (await h().fetch(url)).text();
      expect(html).not.toContain("evil.example");
      expect(meta(html, "og:url")).toBe(`https://share.example.com/s/${id}`);
      expect(meta(html, "og:image")).toBe(`https://share.example.com/images/${id}`);
    }
  });
});

describe("a PUBLIC_ORIGIN that is not an origin", () => {
  const h = useHarness({ vars: { PUBLIC_ORIGIN: "https://share.example.com/app?x=1" } });

  it("is a config_invalid naming the var, not a page with a broken origin", async () => {
    const res = await h().fetch("/s/ABCDEFGHJK12345678");
    expect(res.status).toBe(500);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe("config_invalid");
    expect(answer.error.message).toMatch(/PUBLIC_ORIGIN/);
  });
});
