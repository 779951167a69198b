/**
 * Property-based fuzzing of the HTTP API through one harness: hostile bodies, content types, ids,
 * paths, query strings, auth headers and URL schemes. Whatever comes in, the Worker answers without
 * a 5xx, with the JSON error shape and a documented code, and writes nothing to KV when it rejects.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/routes/shares.js";
import { isShareId } from "../../src/shares/record.js";
import { responseProblems, viewResponse, type ResponseView } from "../support/error-shape.js";
import { kvMutations, kvReads, postShare, useHarness } from "../support/use-harness.js";
import {
  bodyText,
  contentType,
  idSegment,
  isAcceptedUrl,
  urlString,
  VALID_BODY,
} from "./arbitraries.js";

// A gate must not flake: runs are seeded (FUZZ_SEED=<n> to explore other inputs; fast-check prints
// the seed and the shrunk input of any failure).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261125) });

const TOKEN = "fuzz-admin-token-0123456789";
const h = useHarness({ vars: { ADMIN_TOKEN: TOKEN } });
const auth = { authorization: `Bearer ${TOKEN}` };

const STATUS_CODES: Record<number, string[]> = {
  400: ["invalid_json", "validation_failed"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
};

/** Requests the Worker refuses before reading the whole body. */
function answersWithoutReading(body: string, type: string): boolean {
  const json = type.split(";")[0]!.trim().toLowerCase() === "application/json";
  return !json || Buffer.byteLength(body) > MAX_BODY_BYTES;
}

function codeOf(view: ResponseView): string | undefined {
  try {
    return (JSON.parse(view.text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describe("POST /api/share with hostile bodies and content types", () => {
  it("never answers 5xx, shapes every error, and writes only when it answers 201", async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, contentType, async (body, type) => {
        const before = await kvMutations(h());
        // Every request gets an answer, also a large body the Worker refuses without reading it.
        const view = await viewResponse(await postShare(h(), body, type));
        if (answersWithoutReading(body, type)) expect([413, 415]).toContain(view.status);
        expect(responseProblems(view)).toEqual([]);
        const writes = (await kvMutations(h())) - before;
        if (view.status === 201) {
          expect(writes).toBe(1);
          const share = JSON.parse(view.text) as Record<string, unknown>;
          expect(isAcceptedUrl(share.generatedUrl as string)).toBe(true);
          expect(Object.keys(share)).not.toContain("__proto__");
        } else {
          expect(STATUS_CODES[view.status] ?? []).toContain(codeOf(view));
          expect(writes).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("ids and paths", () => {
  const routes = ["GET /api/share/", "DELETE /api/share/", "GET /s/", "GET /images/"] as const;

  it("rejects malformed ids before touching KV and never answers 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), idSegment, async (route, segment) => {
        const [method, prefix] = route.split(" ") as [string, string];
        const url = new URL(prefix + segment, "http://localhost");
        const [m0, r0] = [await kvMutations(h()), await kvReads(h())];
        const res = await h().fetch(url.href, { method, headers: auth });
        const view = await viewResponse(res);
        expect(view.status).toBeLessThan(500);
        expect(responseProblems(view)).toEqual([]);
        // Every answer, JSON errors too, is read only as the type it names.
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        if ((view.contentType ?? "").startsWith("text/html")) {
          expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
        }
        expect(await kvMutations(h())).toBe(m0);
        // Where the path still names this route, an id that is not an id must not cause a KV read.
        if (url.pathname.startsWith(prefix)) {
          const raw = url.pathname.slice(prefix.length);
          let id = raw;
          try {
            id = decodeURIComponent(raw);
          } catch {
            // Malformed escapes reach the route undecoded.
          }
          if (!isShareId(id)) expect(await kvReads(h())).toBe(r0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("answers arbitrary paths and methods without 5xx or a stack trace", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
        fc.webPath(),
        async (method, path) => {
          const m0 = await kvMutations(h());
          const view = await viewResponse(await h().fetch(`http://localhost${path}`, { method }));
          expect(view.status).toBeLessThan(500);
          if (method !== "HEAD") expect(responseProblems(view)).toEqual([]);
          expect(await kvMutations(h())).toBe(m0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("GET /api/shares query strings", () => {
  it("answers 200 or a 400 naming the bad parameter", async () => {
    const limit = fc.option(
      fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 12 })),
    );
    const cursor = fc.option(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.base64String({ maxLength: 120 }),
        fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
      ),
    );
    await fc.assert(
      fc.asyncProperty(limit, cursor, async (l, c) => {
        const q = new URLSearchParams();
        if (l !== null) q.set("limit", l);
        if (c !== null) q.set("cursor", c);
        const m0 = await kvMutations(h());
        const view = await viewResponse(await h().fetch(`/api/shares?${q}`));
        expect(responseProblems(view)).toEqual([]);
        expect([200, 400]).toContain(view.status);
        if (view.status === 400)
          expect(["validation_failed", "invalid_cursor"]).toContain(codeOf(view));
        expect(await kvMutations(h())).toBe(m0);
      }),
      { numRuns: 60 },
    );
  });
});

describe("DELETE with a wrong Authorization header", () => {
  let id: string;
  beforeAll(async () => {
    const res = await postShare(h(), JSON.stringify(VALID_BODY));
    id = ((await res.json()) as { id: string }).id;
  });

  it("is 401 and deletes nothing, for any header but the exact bearer token", async () => {
    const near = fc.constantFrom(
      TOKEN,
      `bearer ${TOKEN}`,
      `Bearer  ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN.toUpperCase()}`,
      `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}`,
      `Bearer ${TOKEN},Bearer ${TOKEN}`,
      "Bearer ",
      "",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(near, fc.string({ unit: "grapheme-ascii", maxLength: 60 })),
        async (header) => {
          fc.pre(header.trim() !== `Bearer ${TOKEN}`);
          const m0 = await kvMutations(h());
          const res = await h().fetch(`/api/share/${id}`, {
            method: "DELETE",
            headers: header === "" ? {} : { authorization: header },
          });
          const view = await viewResponse(res);
          expect(view.status).toBe(401);
          expect(codeOf(view)).toBe("unauthorized");
          expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
          expect(await kvMutations(h())).toBe(m0);
        },
      ),
      { numRuns: 40 },
    );
    const still = await h().fetch(`/api/share/${id}`);
    expect(still.status).toBe(200);
    await still.body?.cancel();
  });
});

describe("URL schemes in generatedUrl and originalUrl", () => {
  it("accepts exactly the https URLs, and the page links only to https or its own images", async () => {
    await fc.assert(
      fc.asyncProperty(urlString, urlString, async (generatedUrl, originalUrl) => {
        const m0 = await kvMutations(h());
        const view = await viewResponse(
          await postShare(h(), JSON.stringify({ ...VALID_BODY, generatedUrl, originalUrl })),
        );
        expect(responseProblems(view)).toEqual([]);
        const accepted = isAcceptedUrl(generatedUrl) && isAcceptedUrl(originalUrl);
        expect(view.status).toBe(accepted ? 201 : 400);
        expect(await kvMutations(h())).toBe(m0 + (accepted ? 1 : 0));
        if (!accepted) return;
        const { id } = JSON.parse(view.text) as { id: string };
        const page = await (await h().fetch(`/s/${id}`)).text();
        for (const [, value] of page.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
          expect(value!.trim().toLowerCase()).toMatch(/^(https:|\/images\/)/);
        }
      }),
      { numRuns: 60 },
    );
  });
});
