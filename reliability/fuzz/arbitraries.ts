/**
 * @module reliability/fuzz/arbitraries
 * fast-check generators of hostile input for the HTTP API: bodies (unicode, huge, nested, wrong
 * types, prototype keys), content types, ids and paths (traversal, encoded slashes, long), URLs.
 */
import fc from "fast-check";
import { createShareFactory } from "../../fixtures/factories/index.js";

export const VALID_BODY = createShareFactory(8).createBody();

/** Keys that reach prototypes in naive merges. */
export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];

/** A JSON text with a literal key (JSON.stringify drops `__proto__`, so splice it in). */
export function withRawKey(base: Record<string, unknown>, key: string, value: unknown): string {
  const rest = JSON.stringify(base).slice(1);
  return `{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === "}" ? "}" : `,${rest}`}`;
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
const unicode = fc.string({ unit: "grapheme", maxLength: 80 });
const fields = ["generatedUrl", "originalUrl", "prompt", "style", "storeImage"] as const;

/** Raw request bodies, mostly invalid, some valid. */
export const bodyText: fc.Arbitrary<string> = fc.oneof(
  anyJson.map((v) => JSON.stringify(v)),
  // One field replaced by anything (wrong types, unicode, numbers, objects).
  fc
    .record({ field: fc.constantFrom(...fields), value: fc.oneof(anyJson, unicode) })
    .map(({ field, value }) => JSON.stringify({ ...VALID_BODY, [field]: value })),
  // One field missing.
  fc.constantFrom(...fields).map((field) => {
    const copy: Record<string, unknown> = { ...VALID_BODY };
    delete copy[field];
    return JSON.stringify(copy);
  }),
  // Prototype-pollution keys, literally in the text, at the top level or nested.
  fc
    .record({ key: fc.constantFrom(...PROTO_KEYS), value: anyJson, nested: fc.boolean() })
    .map(({ key, value, nested }) =>
      nested
        ? JSON.stringify({ ...VALID_BODY, prompt: undefined }).replace(
            /^\{/,
            `{"prompt":${withRawKey({}, key, value)},`,
          )
        : withRawKey({ ...VALID_BODY }, key, value),
    ),
  // Unicode and control characters in the free-text fields.
  unicode
    .filter((s) => s.trim().length > 0)
    .map((prompt) => JSON.stringify({ ...VALID_BODY, prompt })),
  // Deep nesting.
  fc
    .integer({ min: 100, max: 20_000 })
    .map((depth) => `{"prompt":${"[".repeat(depth)}${"]".repeat(depth)}}`),
  // Huge values: just under and over the 64 KiB limit, in one field or many keys.
  fc
    .integer({ min: 60_000, max: 300_000 })
    .map((n) => JSON.stringify({ ...VALID_BODY, prompt: "界".repeat(Math.floor(n / 3)) })),
  fc
    .integer({ min: 1000, max: 5000 })
    .map((n) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
    ),
  // Not JSON at all.
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("", "null", "[]", "{", '{"prompt":', "\u0000", "\uFEFF{}", "NaN", "1e999"),
);

export const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json-patch+json",
  "application/jsonx",
  "",
);

/** Path segments for ids: traversal, encoded separators, NUL, unicode, long, and valid ones. */
export const idSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..",
    "../..",
    "..%2f..%2fshare:list",
    "%2e%2e%2f%2e%2e",
    "..%5c..%5c",
    "%2F",
    "a%2Fb",
    "share:list",
    "list",
    "%00",
    "a%00b",
    "%",
    "%zz",
    "%ff%fe",
    "%E2%80%AE",
    "‮evil",
    "<script>",
    ".",
    "~",
    "A".repeat(64),
    "A".repeat(65),
  ),
  fc.integer({ min: 65, max: 8000 }).map((n) => "B".repeat(n)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
);

/** URL strings for generatedUrl / originalUrl: scheme tricks and ordinary web URLs. */
export const urlString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/a.png",
    "http://example.com/a.png",
    "//example.com/a.png",
    "/relative.png",
    "https:example.com/a.png",
    "https:/example.com/a.png",
    "https:\\\\example.com\\a.png",
    " https://example.com/a.png",
    "https://user:pass@example.com/a.png",
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/a.png#javascript:alert(1)",
    "https://[::1]/a.png",
    "https://exa mple.com/a.png",
    "",
  ),
  fc.webUrl({ validSchemes: ["https", "http"], withQueryParameters: true, withFragments: true }),
  fc.string({ maxLength: 30 }).map((s) => `https://example.com/${s}`),
);

/**
 * The schema's rule, restated: at most 2048 chars, a parseable URL whose protocol is https:, no
 * user name or password, and at most 2048 chars once normalised (what is stored).
 */
export function isAcceptedUrl(s: string): boolean {
  if (s.length > 2048) return false;
  try {
    const url = new URL(s);
    return url.protocol === "https:" && !url.username && !url.password && url.href.length <= 2048;
  } catch {
    return false;
  }
}
