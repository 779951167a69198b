import { describe, expect, it } from "vitest";
import {
  createShareId,
  decodeShareMetadata,
  encodeInvertedTime,
  encodeShareMetadata,
  encodeShareRecord,
  ID_SUFFIX_LENGTH,
  isShareId,
  METADATA_MAX_BYTES,
  shareKey,
} from "./record.js";
import type { ShareData } from "./schema.js";

const share = (over: Partial<ShareData> = {}): ShareData => ({
  id: createShareId(1_750_000_000_000, "ABCDEFGH"),
  generatedUrl: "https://a.example/g.png",
  originalUrl: "https://a.example/o.png",
  prompt: "a cat",
  style: "ink",
  timestamp: 1_750_000_000_000,
  createdAt: new Date(1_750_000_000_000).toISOString(),
  isR2Stored: false,
  ...over,
});

describe("share ids", () => {
  it("sort newest first in byte order and are valid share ids", () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) =>
      createShareId(t),
    );
    expect([...ids].sort()).toEqual([ids[2], ids[1], ids[0]]);
    for (const id of ids) {
      expect(isShareId(id)).toBe(true);
      expect(id).toHaveLength(10 + ID_SUFFIX_LENGTH);
    }
    expect(createShareId(5, "XYZ")).toBe(createShareId(5, "XYZ"));
    expect(() => createShareId(5, "no/slash")).toThrow(RangeError);
  });

  it("cover every millisecond from 0 to 2^48 - 1, and refuse a time outside it, saying which", () => {
    expect(encodeInvertedTime(0)).toBe("7ZZZZZZZZZ");
    expect(encodeInvertedTime(2 ** 48 - 1)).toBe("0000000000");
    for (const t of [-1, 2 ** 48, 1.5, Number.NaN]) {
      expect(() => createShareId(t, "ABC"), String(t)).toThrow(
        new RangeError(`timestamp out of range: ${t}`),
      );
    }
  });

  it("take a suffix up to the 64-character id limit, and refuse a longer one, quoting it", () => {
    const longest = "A".repeat(64 - 10);
    expect(createShareId(5, longest)).toHaveLength(64);
    const tooLong = `${longest}B`;
    expect(() => createShareId(5, tooLong)).toThrow(
      new RangeError(`invalid id suffix: "${tooLong}"`),
    );
  });

  it("accepts legacy ids and rejects anything unsafe", () => {
    for (const id of ["lx9a7b2c4d5e", "abc_DEF-123"]) expect(isShareId(id)).toBe(true);
    for (const id of ["", "a b", "../x", "a".repeat(65), "share:x"])
      expect(isShareId(id)).toBe(false);
    expect(shareKey("abc")).toBe("share:abc");
  });
});

describe("encodeShareRecord", () => {
  it("puts the list fields in metadata and round-trips them", () => {
    const s = share();
    const record = encodeShareRecord(s);
    expect(record.key).toBe(`share:${s.id}`);
    expect(JSON.parse(record.value)).toEqual(s);
    expect(decodeShareMetadata(s.id, record.metadata)).toEqual(s);
  });

  it("falls back to minimal metadata when the fields exceed 1024 bytes", () => {
    const s = share({ prompt: "é".repeat(600) });
    const { metadata } = encodeShareRecord(s);
    expect(new TextEncoder().encode(JSON.stringify(metadata)).byteLength).toBeLessThanOrEqual(
      METADATA_MAX_BYTES,
    );
    expect(metadata).toEqual({ v: 1, ts: s.timestamp, r2: false, full: false });
    expect(decodeShareMetadata(s.id, metadata)).toBeUndefined();
  });

  it("keeps the full list fields when they fill exactly 1024 bytes", () => {
    const bytes = (prompt: string) =>
      new TextEncoder().encode(JSON.stringify(encodeShareMetadata(share({ prompt })))).byteLength;
    const prompt = "a".repeat(METADATA_MAX_BYTES - bytes(""));
    expect(bytes(prompt)).toBe(METADATA_MAX_BYTES);
    expect(encodeShareMetadata(share({ prompt }))).toMatchObject({ p: prompt });
    expect(encodeShareMetadata(share({ prompt: `${prompt}a` }))).toEqual({
      v: 1,
      ts: 1_750_000_000_000,
      r2: false,
      full: false,
    });
  });

  it("keeps the R2 flag and the key's hash in the minimal metadata", () => {
    const s = share({ prompt: "é".repeat(600), isR2Stored: true });
    expect(encodeShareRecord(s, "f00d").metadata).toEqual({
      v: 1,
      ts: s.timestamp,
      r2: true,
      full: false,
      k: "f00d",
    });
  });
});

describe("decodeShareMetadata", () => {
  const fields = {
    g: "https://a.example/g.png",
    o: "https://a.example/o.png",
    p: "a cat",
    s: "ink",
  };
  const ours = { v: 1, ts: 1_750_000_000_000, r2: false, ...fields, c: "2025-06-15T15:06:40.000Z" };

  it("rebuilds the share from full metadata of this Worker's", () => {
    expect(decodeShareMetadata("ID1", ours)).toEqual({
      id: "ID1",
      generatedUrl: fields.g,
      originalUrl: fields.o,
      prompt: fields.p,
      style: fields.s,
      timestamp: ours.ts,
      createdAt: ours.c,
      isR2Stored: false,
    });
  });

  it("is undefined for metadata that is not ours, marked partial, or missing a field", () => {
    const cases: [string, unknown][] = [
      ["none", undefined],
      ["null", null],
      ["another version", { ...ours, v: 2 }],
      ["a text time", { ...ours, ts: "1750000000000" }],
      ["marked partial", { ...ours, full: false }],
      ...(["g", "o", "p", "s", "c"] as const).map((f): [string, unknown] => [
        `${f} not text`,
        { ...ours, [f]: 1 },
      ]),
    ];
    for (const [what, metadata] of cases) {
      expect(decodeShareMetadata("ID1", metadata), what).toBeUndefined();
    }
  });
});
