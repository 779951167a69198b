/**
 * The share page never reflects a user string unescaped: XSS payloads in prompt (through the API)
 * and in style and the image/original URLs (records the API would refuse, e.g. written by the
 * guide's old code) must leave only the template's own tags, attributes and https/same-origin URLs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import type { ShareData } from "../../src/shares/schema.js";
import { postShare, useHarness } from "../support/use-harness.js";
import { VALID_BODY } from "./arbitraries.js";
import { htmlProblems } from "./html-structure.js";
import { XSS_PAYLOADS, XSS_URLS } from "./xss-payloads.js";

const h = useHarness();
const SPECIAL = /[<>"'&]/;

async function page(id: string): Promise<{ html: string; headers: Headers; status: number }> {
  const res = await h().fetch(`/s/${id}`);
  return { html: await res.text(), headers: res.headers, status: res.status };
}

function expectSafe(html: string, payloads: readonly string[]): void {
  expect(htmlProblems(html)).toEqual([]);
  for (const payload of payloads) if (SPECIAL.test(payload)) expect(html).not.toContain(payload);
}

describe("XSS payloads in the prompt, created through the API", () => {
  const ids = new Map<string, string>();
  beforeAll(async () => {
    for (const prompt of XSS_PAYLOADS) {
      const res = await postShare(h(), JSON.stringify({ ...VALID_BODY, prompt }));
      expect(res.status, prompt).toBe(201);
      ids.set(prompt, ((await res.json()) as { id: string }).id);
    }
  });

  it.each(XSS_PAYLOADS.map((p) => [p]))("%s is escaped in the page", async (payload) => {
    const { html, headers, status } = await page(ids.get(payload)!);
    expect(status).toBe(200);
    expectSafe(html, [payload]);
    expect(headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  });
});

describe("XSS payloads in stored records the API would refuse", () => {
  let shares: ShareData[];
  beforeAll(async () => {
    const f = createShareFactory(21, { now: h().clock.now() });
    shares = [
      ...XSS_PAYLOADS.map((style) => f.share({ style })),
      ...XSS_URLS.map((url) => f.share({ generatedUrl: url, originalUrl: url })),
      ...XSS_URLS.map((url) => f.legacyShare({ originalUrl: url, prompt: url })),
    ];
    const entries = shares.map((s, i) =>
      i >= shares.length - XSS_URLS.length ? f.legacyEntry(s) : f.entry(s),
    );
    await h().kv.load({ version: 1, takenAt: h().clock.now(), entries });
  });

  it("renders every one with only the template's tags, attributes and https URLs", async () => {
    for (const share of shares) {
      const { html, status } = await page(share.id);
      expect(status, share.id).toBe(200);
      expectSafe(html, [share.style, share.prompt, share.generatedUrl, share.originalUrl]);
    }
  });
});
