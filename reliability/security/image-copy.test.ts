/**
 * Attacks through the image copy (`storeImage: true`): an SVG with script, HTML behind an image
 * Content-Type, and fetches aimed at internal hosts (IP literals, localhost names, redirects into
 * them). The image host is msw; each handler counts its hits, so "never fetched" is observed.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_REDIRECTS } from "../../src/images/fetch-image.js";
import { postShare, useHarness } from "../support/use-harness.js";

const h = useHarness();
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>fetch('/api/shares')</script></svg>`;

interface Created {
  id: string;
  isR2Stored: boolean;
  warning?: { code: string; message: string };
}

async function createWithImage(generatedUrl: string): Promise<Created> {
  const res = await postShare(
    h(),
    JSON.stringify({
      generatedUrl,
      originalUrl: "https://images.example.com/original.png",
      prompt: "attack",
      style: "ink",
      storeImage: true,
    }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

/** An msw handler for `url` that counts its hits and answers `answer()`. */
function host(url: string, answer: () => Response) {
  const hits = { count: 0 };
  return { hits, handler: http.get(url, () => (hits.count++, answer())) };
}

const png = () =>
  HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } });

describe("stored XSS through the image copy", () => {
  it("an SVG with a script is not stored, and /images/:id serves nothing", async () => {
    const svg = host(
      "https://img.example/cat.svg",
      () => new HttpResponse(SVG, { headers: { "content-type": "image/svg+xml" } }),
    );
    h().useHandlers(svg.handler);
    const created = await createWithImage("https://img.example/cat.svg");
    expect(svg.hits.count).toBe(1);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect(created.warning?.message).toMatch(/Not a PNG, JPEG, GIF, WebP or AVIF image/);
    expect(await h().r2.get(`images/${created.id}`)).toBeNull();
    expect((await h().fetch(`/images/${created.id}`)).status).toBe(404);
    const page = await (await h().fetch(`/s/${created.id}`)).text();
    expect(page).not.toContain(`/images/${created.id}`);
  });

  it("HTML labelled image/png is not stored either: the bytes decide, not the header", async () => {
    const html = host(
      "https://img.example/fake.png",
      () =>
        new HttpResponse("<!doctype html><script>alert(1)</script>", {
          headers: { "content-type": "image/png" },
        }),
    );
    h().useHandlers(html.handler);
    const created = await createWithImage("https://img.example/fake.png");
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.message).toMatch(/only the bytes count/);
  });

  it("a real image is served as an inert download-safe image from the share origin", async () => {
    const image = host("https://img.example/real", () =>
      HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "text/html" } }),
    );
    h().useHandlers(image.handler);
    const created = await createWithImage("https://img.example/real");
    expect(created.isR2Stored).toBe(true);
    const res = await h().fetch(`/images/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${created.id}.png"`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });
});

describe("outbound fetches aimed at internal hosts", () => {
  it.each([
    ["https://127.0.0.1/x.png", /127\.0\.0\.1 is an IP address/],
    ["https://[::1]/x.png", /\[::1\] is an IP address/],
    ["https://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is an IP address/],
    ["https://10.0.0.1/x.png", /10\.0\.0\.1 is an IP address/],
    ["https://0x7f.1/x.png", /127\.0\.0\.1 is an IP address/],
    ["https://localhost/x.png", /localhost is a local host name/],
    ["https://admin.localhost/x.png", /admin\.localhost is a local host name/],
    ["https://metadata.google.internal/x.png", /is a local host name/],
    ["https://intranet/x.png", /intranet is a local host name/],
    ["https://img.example:8443/x.png", /port 8443/],
  ])("%s is never fetched, and the warning says why", async (url, why) => {
    const internal = host(new URL(url).href, png);
    h().useHandlers(internal.handler);
    const created = await createWithImage(url);
    expect(internal.hits.count).toBe(0);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.code).toBe("image_not_stored");
    expect(created.warning?.message).toMatch(why);
    expect((await h().fetch(`/images/${created.id}`)).status).toBe(404);
  });

  it("a redirect into the metadata service is refused at that hop", async () => {
    const metadata = host("https://169.254.169.254/latest/meta-data/", png);
    const bounce = host("https://img.example/bounce.png", () =>
      HttpResponse.redirect("https://169.254.169.254/latest/meta-data/", 302),
    );
    h().useHandlers(bounce.handler, metadata.handler);
    const created = await createWithImage("https://img.example/bounce.png");
    expect(bounce.hits.count).toBe(1);
    expect(metadata.hits.count).toBe(0);
    expect(created.isR2Stored).toBe(false);
    expect(created.warning?.message).toBe(
      "The image redirected to https://169.254.169.254/latest/meta-data/, which was not fetched: 169.254.169.254 is an IP address; only public host names are fetched",
    );
  });

  it("follows a few redirects between public hosts, and gives up after the limit", async () => {
    const hops = Array.from({ length: MAX_IMAGE_REDIRECTS + 2 }, (_, i) => {
      const next = `https://cdn${i + 1}.example/img`;
      return host(`https://cdn${i}.example/img`, () => HttpResponse.redirect(next, 307));
    });
    const end = (i: number) => host(`https://cdn${i}.example/img`, png);
    const short = end(MAX_IMAGE_REDIRECTS);
    h().useHandlers(short.handler, ...hops.map((hop) => hop.handler));
    const followed = await createWithImage("https://cdn0.example/img");
    expect(followed.isR2Stored).toBe(true);
    expect(short.hits.count).toBe(1);

    const long = end(MAX_IMAGE_REDIRECTS + 2);
    h().useHandlers(long.handler, ...hops.map((hop) => hop.handler));
    const refused = await createWithImage("https://cdn0.example/img");
    expect(refused.isR2Stored).toBe(false);
    expect(refused.warning?.message).toMatch(`more than ${MAX_IMAGE_REDIRECTS} times`);
    expect(long.hits.count).toBe(0);
  });
});
