import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type ListCursor } from "./list-cursor.js";

const cursors: fc.Arbitrary<ListCursor> = fc.oneof(
  fc.record(
    {
      p: fc.constant("kv" as const),
      c: fc.string({ unit: "binary", maxLength: 200 }),
      a: fc.string({ unit: "binary", maxLength: 200 }),
    },
    { requiredKeys: ["p"] },
  ),
  fc.record({ p: fc.constant("legacy" as const), i: fc.nat() }),
  fc.record({
    p: fc.constant("pending" as const),
    t: fc.nat(),
    i: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  }),
);

describe("list cursors", () => {
  it("are URL-safe text that decodes to the cursor it was made from, for any key or KV cursor", () => {
    fc.assert(
      fc.property(cursors, (cursor) => {
        const text = encodeCursor(cursor);
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(text)).toEqual(cursor);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips keys whose base64 needs + and / and padding", () => {
    // "~~~" encodes to "fn5+", "???" to "Pz8/"; odd lengths need "=" padding in plain base64.
    for (const a of ["~~~", "???", "share:~~~?", "é"]) {
      const cursor: ListCursor = { p: "kv", a };
      expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    }
  });

  it("answers 400 invalid_cursor for text this API did not make", () => {
    for (const raw of [
      "",
      "a+b",
      "abc=",
      "x".repeat(8193),
      "bm90IGpzb24",
      encodeCursor({ p: "legacy", i: 0 }).slice(1),
    ]) {
      expect(() => decodeCursor(raw), raw.slice(0, 20)).toThrow(
        expect.objectContaining({
          status: 400,
          code: "invalid_cursor",
          message: "The cursor is not one this API returned",
        }),
      );
    }
  });

  it("refuses a cursor it made once re-encoded as plain base64 or wrapped in whitespace", () => {
    // "~~~???" encodes with both URL-safe letters and padding; atob alone takes every form below.
    const text = encodeCursor({ p: "kv", a: "~~~???" });
    expect(text).toMatch(/-/);
    expect(text).toMatch(/_/);
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    for (const raw of [plain, `${plain}=`, `${text}=`, ` ${text}`, `${text} `, `${text}\n`]) {
      expect(() => decodeCursor(raw), JSON.stringify(raw)).toThrow(
        expect.objectContaining({ status: 400, code: "invalid_cursor" }),
      );
    }
  });
});
