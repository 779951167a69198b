/**
 * @module images/image-format
 * The raster formats the image copy stores, recognised by their leading bytes alone (never by a
 * Content-Type header): PNG, JPEG, GIF, WebP and AVIF. Anything else, SVG and HTML included, is
 * not an image this Worker serves from its own origin.
 */

export const STORED_IMAGE_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
] as const;

export type StoredImageType = (typeof STORED_IMAGE_TYPES)[number];

/** File extension per type, for the Content-Disposition filename. */
export const IMAGE_EXTENSIONS: Record<StoredImageType, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
};

export function isStoredImageType(type: string | undefined): type is StoredImageType {
  return (STORED_IMAGE_TYPES as readonly (string | undefined)[]).includes(type);
}

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length));

/** A byte past the end is `undefined`, never equal to one of `prefix`. */
const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((b, i) => bytes[i] === b);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SOI = [0xff, 0xd8, 0xff];
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** ISO-BMFF `ftyp` box whose major or a compatible brand is AVIF (HEIC and MP4 are not). */
function isAvif(bytes: Uint8Array): boolean {
  // A shorter input has no "ftyp" at 4, or a box size (under 16) that fails below.
  if (ascii(bytes, 4, 4) !== "ftyp") return false;
  const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (size < 16 || size > bytes.length) return false;
  if (AVIF_BRANDS.has(ascii(bytes, 8, 4))) return true;
  for (let at = 16; at + 4 <= size; at += 4) {
    if (AVIF_BRANDS.has(ascii(bytes, at, 4))) return true;
  }
  return false;
}

/**
 * The format `bytes` start with, or undefined when they are not one of the stored formats.
 * @example sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // "image/jpeg"
 */
export function sniffImageType(bytes: Uint8Array): StoredImageType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (startsWith(bytes, JPEG_SOI)) return "image/jpeg";
  const head = ascii(bytes, 0, 6);
  if (head === "GIF87a" || head === "GIF89a") return "image/gif";
  // A shorter input cannot hold "WEBP" at 8.
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") {
    return "image/webp";
  }
  if (isAvif(bytes)) return "image/avif";
  return undefined;
}
