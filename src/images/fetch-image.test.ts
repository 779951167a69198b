/**
 * The image copy's redirects, as the share's creator reads them: which hops are followed, and the
 * reason when one is not.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { useUnitWorker } from "../testing/unit-worker.js";
import { MAX_IMAGE_REDIRECTS } from "./fetch-image.js";

const unit = useUnitWorker();

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]);
const START = "https://cdn.example.com/0";
const store = (url = START) =>
  unit.control<{ stored: boolean; reason?: string }>("storeImage", {
    id: "img1",
    url,
    bucket: true,
    timeoutMs: 30_000,
  });
const redirect = (status: number, location?: string) =>
  new HttpResponse(null, { status, headers: location === undefined ? {} : { location } });

describe("the image copy's redirects", () => {
  it("follows each redirect status to the image, asking for raster formats", async () => {
    const accepts: (string | null)[] = [];
    for (const status of [301, 302, 303, 307, 308]) {
      unit.useHandlers([
        http.get(START, ({ request }) => {
          accepts.push(request.headers.get("accept"));
          return redirect(status, "/image.png");
        }),
        http.get("https://cdn.example.com/image.png", () => new HttpResponse(PNG)),
      ]);
      expect(await store(), String(status)).toEqual({ stored: true });
      expect(unit.outboundSeen).toEqual([`GET ${START}`, "GET https://cdn.example.com/image.png"]);
    }
    expect(new Set(accepts)).toEqual(
      new Set(["image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9"]),
    );
  });

  it(`follows ${MAX_IMAGE_REDIRECTS} redirects and not one more`, async () => {
    const chain = (hops: number) =>
      unit.useHandlers([
        http.get(/\/(\d+)$/, ({ request }) => {
          const n = Number(/\/(\d+)$/.exec(request.url)![1]);
          return n < hops ? redirect(302, `/${n + 1}`) : new HttpResponse(PNG);
        }),
      ]);
    chain(MAX_IMAGE_REDIRECTS);
    expect(await store()).toEqual({ stored: true });
    chain(MAX_IMAGE_REDIRECTS + 1);
    expect(await store()).toEqual({
      stored: false,
      reason: `The image URL redirected more than ${MAX_IMAGE_REDIRECTS} times; not followed`,
    });
    expect(unit.outboundSeen).toHaveLength(MAX_IMAGE_REDIRECTS + 1);
  });

  it("says why a redirect without a Location, to no URL, or a refused first URL was not followed", async () => {
    unit.useHandlers([http.get(START, () => redirect(307))]);
    expect(await store()).toEqual({
      stored: false,
      reason: "The image URL answered 307 without a Location",
    });
    unit.useHandlers([http.get(START, () => redirect(302, "https://exa mple.com:99999/"))]);
    expect(await store()).toEqual({
      stored: false,
      reason: "The image URL redirected to something that is not a URL",
    });
    unit.useHandlers([]);
    expect(await store("https://127.0.0.1/a.png")).toEqual({
      stored: false,
      reason:
        "The image URL was not fetched: 127.0.0.1 is an IP address; only public host names are fetched",
    });
    expect(unit.outboundSeen).toEqual([]);
  });

  it.each([
    ["https://2130706433/a.png", "127.0.0.1 is an IP address"],
    ["https://0177.0.0.1/a.png", "127.0.0.1 is an IP address"],
    ["https://0x7f.1/a.png", "127.0.0.1 is an IP address"],
    ["https://[::ffff:127.0.0.1]/a.png", "[::ffff:7f00:1] is an IP address"],
    ["https://[::ffff:a9fe:a9fe]/latest", "[::ffff:a9fe:a9fe] is an IP address"],
    ["https://[fd00::1]/a.png", "[fd00::1] is an IP address"],
    ["https://10.0.0.1/a.png", "10.0.0.1 is an IP address"],
    ["https://metadata.google.internal/a.png", "metadata.google.internal is a local host name"],
    ["https://localhost./a.png", "localhost. is a local host name"],
    ["https://printer/a.png", "printer is a local host name"],
    ["http://cdn.example.net/a.png", "only https: URLs are fetched, not http:"],
    ["https://cdn.example.net:8443/a.png", "port 8443 is not fetched"],
  ])("refuses a redirect to %s at that hop, naming why", async (location, why) => {
    unit.useHandlers([http.get(START, () => redirect(302, location))]);
    const got = await store();
    expect(got.stored).toBe(false);
    expect(got.reason).toMatch(/^The image redirected to \S+, which was not fetched: /);
    expect(got.reason).toContain(why);
    expect(unit.outboundSeen).toEqual([`GET ${START}`]);
  });

  it("refuses a redirect that carries a user name or password, and does not repeat them", async () => {
    unit.useHandlers([
      http.get(START, () => redirect(302, "https://admin:s3cret@cdn.example.net/a.png")),
      http.get("https://cdn.example.net/a.png", () => new HttpResponse(PNG)),
    ]);
    expect(await store()).toEqual({
      stored: false,
      reason:
        "The image redirected to https://cdn.example.net/a.png, which was not fetched: it carries a user name or password",
    });
    expect(unit.outboundSeen).toEqual([`GET ${START}`]);
  });
});
