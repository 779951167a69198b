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
