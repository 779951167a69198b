/**
 * With ADMIN_TOKEN set: DELETE needs exactly `Bearer <token>` (no other token of any length or
 * prefix passes; the comparison is constant-time, `src/auth/admin-bearer.ts`), HTML
 * answers carry CSP, nosniff and a referrer policy, and no log line ever shows ADMIN_TOKEN or a
 * Cloudflare API token the Worker happens to hold, even while KV fails.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { kvMutations, postShare, useHarness } from "../support/use-harness.js";

const ADMIN_TOKEN = "adm_9f8e7d6c5b4a3210fedcba9876543210";
const CF_TOKEN = "cfut_Zx81kQ0pW3nR7sT2vY6bA4cD9eF5gH1j";
const h = useHarness({
  vars: { ADMIN_TOKEN, CLOUDFLARE_API_TOKEN: CF_TOKEN, KV_RETRY_BASE_MS: "1" },
});
const factory = createShareFactory(77);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function create(): Promise<string> {
  const res = await postShare(h(), JSON.stringify(factory.createBody()));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe("DELETE /api/share/:id", () => {
  it("refuses a missing, malformed or wrong token with 401 and deletes nothing", async () => {
    const id = await create();
    const before = await kvMutations(h());
    for (const headers of [
      {},
      { authorization: ADMIN_TOKEN },
      bearer(`${ADMIN_TOKEN}0`),
      bearer(ADMIN_TOKEN.slice(1)),
      { authorization: `Basic ${ADMIN_TOKEN}` },
    ]) {
      const res = await h().fetch(`/api/share/${id}`, { method: "DELETE", headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect(await kvMutations(h())).toBe(before);
    expect((await h().fetch(`/api/share/${id}`)).status).toBe(200);
  });

  it("deletes with the exact bearer token", async () => {
    const id = await create();
    const res = await h().fetch(`/api/share/${id}`, {
      method: "DELETE",
      headers: bearer(ADMIN_TOKEN),
    });
    expect(res.status).toBe(204);
    expect((await h().fetch(`/api/share/${id}`)).status).toBe(404);
  });

  it("refuses every other token (each prefix, each extension, each one-character change, other lengths and cases) and accepts the one", async () => {
    const id = await create();
    const before = await kvMutations(h());
    const flip = (i: number) =>
      ADMIN_TOKEN.slice(0, i) + (ADMIN_TOKEN[i] === "a" ? "b" : "a") + ADMIN_TOKEN.slice(i + 1);
    const near = [
      ...Array.from({ length: ADMIN_TOKEN.length }, (_, n) => ADMIN_TOKEN.slice(0, n)),
      ...Array.from({ length: ADMIN_TOKEN.length }, (_, i) => flip(i)),
      // (Whitespace after the token is no extension: HTTP strips it from every header value.)
      ...["0", ".", "%00", ADMIN_TOKEN].map((more) => ADMIN_TOKEN + more),
      ADMIN_TOKEN.toUpperCase(),
      ADMIN_TOKEN.slice(1) + ADMIN_TOKEN[0],
    ];
    // Tokens of any length and alphabet (fast-check), besides the near misses above.
    const random = fc.sample(
      fc.string({ unit: "grapheme-ascii", maxLength: 80 }).filter((t) => t !== ADMIN_TOKEN),
      { numRuns: 40, seed: 4242 },
    );
    for (const token of [...near, ...random]) {
      const res = await h().fetch(`/api/share/${id}`, { method: "DELETE", headers: bearer(token) });
      expect(res.status, JSON.stringify(token)).toBe(401);
      await res.body?.cancel();
    }
    expect(await kvMutations(h())).toBe(before);
    expect((await h().fetch(`/api/share/${id}`)).status).toBe(200);
    const right = await h().fetch(`/api/share/${id}`, {
      method: "DELETE",
      headers: bearer(ADMIN_TOKEN),
    });
    expect(right.status).toBe(204);
  });
});

describe("HTML responses", () => {
  let id: string;
  beforeAll(async () => {
    id = await create();
  });

  const pages: [string, () => string, number][] = [
    ["a share page", () => `/s/${id}`, 200],
    ["the not-found page", () => "/s/unknown-share-id", 404],
    ["a malformed id", () => "/s/bad%20id", 404],
  ];
  it.each(pages)("%s carries CSP, nosniff and a referrer policy", async (_name, path, status) => {
    const res = await h().fetch(path());
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toMatch(
      /^(no-referrer|strict-origin|strict-origin-when-cross-origin|same-origin)$/,
    );
    await res.body?.cancel();
  });
});

describe("logs", () => {
  it("never contain ADMIN_TOKEN or the Cloudflare API token, also on failures", async () => {
    h().logs.clear();
    const ids = [await create(), await create()];
    await h().fetch(`/api/share/${ids[0]}`, { method: "DELETE", headers: bearer(ADMIN_TOKEN) });
    await h().fetch(`/api/share/${ids[1]}`, {
      method: "DELETE",
      headers: bearer(`${ADMIN_TOKEN}x`),
    });
    await h().faults.set([{ op: "any", kind: "error", status: 503 }]);
    await h().fetch(`/api/share/${ids[1]}`, { method: "DELETE", headers: bearer(ADMIN_TOKEN) });
    await h().fetch("/api/shares");
    await postShare(h(), JSON.stringify(factory.createBody()));
    await h().faults.clear();
    const lines = h().logs.all();
    // The scan must have something to scan: every KV op above logs a line.
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line.text).not.toContain(ADMIN_TOKEN);
      expect(line.text).not.toContain(CF_TOKEN);
    }
  });
});
