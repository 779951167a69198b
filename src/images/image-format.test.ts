import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sniffImageType, STORED_IMAGE_TYPES } from "./image-format.js";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** The first bytes of real files of each format (what encoders write). */
const HEADS: [string, Uint8Array][] = [
  ["image/png", bytes([0x89], "PNG\r\n", [0x1a, 0x0a], u32(13), "IHDR")],
  ["image/jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], "JFIF", [0])],
  ["image/jpeg", bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], "Exif", [0, 0])],
  ["image/gif", bytes("GIF89a", [1, 0, 1, 0])],
  ["image/gif", bytes("GIF87a", [1, 0, 1, 0])],
  ["image/webp", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ")],
  ["image/avif", bytes(u32(28), "ftypavif", u32(0), "avifmif1miaf")],
  ["image/avif", bytes(u32(24), "ftypmif1", u32(0), "mif1avif")],
];

describe("sniffImageType", () => {
  it.each(HEADS)("recognises %s from its leading bytes", (type, head) => {
    expect(sniffImageType(head)).toBe(type);
  });

  it("refuses SVG, HTML, HEIC, MP4 and a RIFF that is not WebP, whatever they claim", () => {
    for (const other of [
      bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      bytes('<?xml version="1.0"?><svg/>'),
      bytes("<!doctype html><script>alert(1)</script>"),
      bytes(u32(24), "ftypheic", u32(0), "mif1heic"),
      bytes(u32(20), "ftypisom", u32(0), "mp41"),
      bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "),
      bytes([0x89], "PNG"),
      new Uint8Array(),
    ]) {
      expect(sniffImageType(other)).toBeUndefined();
    }
  });

  it("answers only a stored type or undefined for any bytes, and never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const type = sniffImageType(data);
        expect(type === undefined || STORED_IMAGE_TYPES.includes(type)).toBe(true);
      }),
    );
  });

  it("keeps recognising a format whatever follows its header", () => {
    fc.assert(
      fc.property(fc.constantFrom(...HEADS), fc.uint8Array(), ([type, head], tail) => {
        expect(sniffImageType(new Uint8Array([...head, ...tail]))).toBe(type);
      }),
    );
  });
});

describe("sniffImageType at the edges of each header", () => {
  it("recognises a file that is exactly its header, and no shorter prefix of it", () => {
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff]))).toBe("image/jpeg");
    expect(sniffImageType(bytes([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageType(bytes("RIFF", u32(4), "WEBP"))).toBe("image/webp");
    expect(sniffImageType(bytes("RIFF", u32(4), "WEB"))).toBeUndefined();
    expect(sniffImageType(bytes(u32(16), "ftypavif", u32(0)))).toBe("image/avif");
  });

  it("needs every signature byte, not only the first", () => {
    expect(sniffImageType(bytes([0xff, 0x00, 0xff, 0xe0]))).toBeUndefined();
    expect(sniffImageType(bytes([0x89], "PNG\r\n", [0x1a, 0x00]))).toBeUndefined();
    expect(sniffImageType(bytes("RIFX", u32(4), "WEBP"))).toBeUndefined();
  });

  it("reads AVIF only from a well-formed ftyp box", () => {
    // Not an ftyp box, though an AVIF brand follows.
    expect(sniffImageType(bytes(u32(16), "moovavif", u32(0)))).toBeUndefined();
    // A box size below the ftyp header's 16 bytes, or past the end of the bytes.
    expect(sniffImageType(bytes(u32(12), "ftypavif", u32(0)))).toBeUndefined();
    expect(sniffImageType(bytes(u32(32), "ftypavif", u32(0)))).toBeUndefined();
    // A compatible brand outside the box is not the box's.
    expect(sniffImageType(bytes(u32(20), "ftypheic", u32(0), "mif1avif"))).toBeUndefined();
  });

  it("finds AVIF as the major brand alone, or as any compatible brand", () => {
    expect(sniffImageType(bytes(u32(20), "ftypavif", u32(0), "mif1"))).toBe("image/avif");
    expect(sniffImageType(bytes(u32(28), "ftypheic", u32(0), "mif1miafavis"))).toBe("image/avif");
    expect(sniffImageType(bytes(u32(24), "ftypheic", u32(0), "mif1heic"))).toBeUndefined();
  });
});
