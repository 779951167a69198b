/**
 * URLs that `new URL` parses as https but a browser would resolve relative to the share page
 * (`https:evil.example/x.png`, `https:\\evil.example\o`), and URLs carrying credentials. What is
 * stored and rendered is the normalised URL; credentials are refused and nothing is written.
 */
import { describe, expect, it } from "vitest";
import { kvMutations, postShare, useHarness } from "../support/use-harness.js";

const h = useHarness();
const body = (generatedUrl: string, originalUrl: string) =>
  JSON.stringify({ generatedUrl, originalUrl, prompt: "tricky urls", style: "ink" });

/** Every URL-valued attribute of the page (src, href, and the OG/Twitter image and url). */
function pageUrls(html: string): string[] {
  return [
    ...html.matchAll(/\s(?:src|href)="([^"]*)"/g),
    ...html.matchAll(/property="og:(?:image|url)" content="([^"]*)"/g),
    ...html.matchAll(/name="twitter:image" content="([^"]*)"/g),
  ].map((m) => m[1]!);
}

describe("scheme-relative-looking URLs", () => {
  it.each([
    ["https:evil.example/x.png", "https://evil.example/x.png"],
    ["https:\\\\evil.example\\o", "https://evil.example/o"],
    ["https:/evil.example/x.png", "https://evil.example/x.png"],
    [" https://EVIL.example/a b.png", "https://evil.example/a%20b.png"],
  ])("%s is stored, answered and rendered as %s", async (raw, normalised) => {
    const res = await postShare(h(), body(raw, raw));
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; generatedUrl: string; originalUrl: string };
    expect([created.generatedUrl, created.originalUrl]).toEqual([normalised, normalised]);
    const read = (await (await h().fetch(`/api/share/${created.id}`)).json()) as typeof created;
    expect([read.generatedUrl, read.originalUrl]).toEqual([normalised, normalised]);
    const html = await (await h().fetch(`/s/${created.id}`)).text();
    const urls = pageUrls(html).filter((u) => !u.startsWith("http://localhost/s/"));
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url).toBe(normalised);
  });
});

describe("credentials in URLs", () => {
  it.each([
    ["generatedUrl", "https://admin:hunter2@img.example/x.png"],
    ["originalUrl", "https://token@img.example/x.png"],
  ])(
    "a %s with credentials is refused with 400 naming it, and nothing is written",
    async (field, url) => {
      const before = await kvMutations(h());
      const fine = "https://img.example/x.png";
      const res = await postShare(
        h(),
        field === "generatedUrl" ? body(url, fine) : body(fine, url),
      );
      expect(res.status).toBe(400);
      const answer = (await res.json()) as {
        error: { code: string; fields: { path: string; message: string }[] };
      };
      expect(answer.error.code).toBe("validation_failed");
      expect(answer.error.fields).toEqual([
        { path: field, message: "must not contain a user name or password" },
      ]);
      expect(await kvMutations(h())).toBe(before);
    },
  );
});
