import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { PLACEHOLDER_SIZE, placeholderPng } from "./placeholder-image.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe("placeholderPng", () => {
  it("is a valid PNG an image decoder reads, for any URL", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), (url) => {
        const bytes = placeholderPng(url);
        expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
        const decoded = PNG.sync.read(Buffer.from(bytes));
        expect([decoded.width, decoded.height]).toEqual([PLACEHOLDER_SIZE, PLACEHOLDER_SIZE]);
      }),
      { numRuns: 20 },
    );
  });

  it("gives the same bytes for the same URL and different pictures for different URLs", () => {
    const a = placeholderPng("https://images.example.com/generated/a.png");
    expect(placeholderPng("https://images.example.com/generated/a.png")).toEqual(a);
    const pixels = (url: string) => PNG.sync.read(Buffer.from(placeholderPng(url))).data;
    expect(pixels("https://images.example.com/generated/b.png")).not.toEqual(
      pixels("https://images.example.com/generated/a.png"),
    );
  });
});
