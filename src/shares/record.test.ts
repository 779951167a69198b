import { describe, expect, it } from "vitest";
import {
  createShareId,
  decodeShareMetadata,
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
});
