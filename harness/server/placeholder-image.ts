/**
 * @module harness/server/placeholder-image
 * The image the dev server uses in place of one it cannot download: a PNG drawn from the URL's
 * SHA-256 (a mirrored 8x8 pattern in one colour on a light ground), so the same URL always gives
 * the same bytes and different URLs look different. Seeding writes it to R2 for shares marked
 * stored; under `npm run dev` it answers the Worker's image fetches.
 */
import { createHash } from "node:crypto";
import { PNG } from "pngjs";

export const PLACEHOLDER_SIZE = 256;
export const PLACEHOLDER_CONTENT_TYPE = "image/png";
const CELLS = 8;

/** HSL (h in degrees, s and l in 0..1) to RGB bytes. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255)) as [number, number, number];
}

/**
 * A deterministic placeholder PNG for `url`.
 * @example placeholderPng("https://images.example.com/cat.png") // same bytes on every call
 */
export function placeholderPng(url: string): Uint8Array {
  const hash = createHash("sha256").update(url).digest();
  const ink = hsl(hash.readUInt16BE(0) % 360, 0.55, 0.45);
  const paper = hsl(hash.readUInt16BE(0) % 360, 0.3, 0.93);
  const png = new PNG({ width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE });
  const cell = PLACEHOLDER_SIZE / CELLS;
  for (let y = 0; y < PLACEHOLDER_SIZE; y++) {
    for (let x = 0; x < PLACEHOLDER_SIZE; x++) {
      const row = Math.floor(y / cell);
      const col = Math.floor(x / cell);
      // Left half from the hash's bits, mirrored onto the right half.
      const half = col < CELLS / 2 ? col : CELLS - 1 - col;
      const bit = row * (CELLS / 2) + half;
      const on = (hash[2 + (bit >> 3)]! >> (bit & 7)) & 1;
      const [r, g, b] = on ? ink : paper;
      const i = (y * PLACEHOLDER_SIZE + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
