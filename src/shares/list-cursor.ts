/**
 * @module shares/list-cursor
 * The opaque list cursor (base64url JSON): phase "kv" resumes a KV list page after the last key
 * returned; phase "legacy" pages the guide's metadata-less records by index.
 */
import { z } from "zod";
import { AppError } from "../errors.js";

const cursorSchema = z.discriminatedUnion("p", [
  z.strictObject({
    p: z.literal("kv"),
    /** KV cursor of the page to (re)fetch; absent for the first page. */
    c: z.string().max(4096).optional(),
    /** Last key returned from that page; keys <= it are skipped. */
    a: z.string().max(600).optional(),
  }),
  z.strictObject({ p: z.literal("legacy"), i: z.number().int().min(0) }),
]);

export type ListCursor = z.infer<typeof cursorSchema>;

function toBase64Url(text: string): string {
  const bin = String.fromCharCode(...new TextEncoder().encode(text));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}

export function encodeCursor(cursor: ListCursor): string {
  return toBase64Url(JSON.stringify(cursor));
}

/** Decode a client cursor; anything malformed is 400 `invalid_cursor`. */
export function decodeCursor(raw: string): ListCursor {
  try {
    if (raw.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error("bad alphabet");
    return cursorSchema.parse(JSON.parse(fromBase64Url(raw)));
  } catch {
    throw new AppError(400, "invalid_cursor", "The cursor is not one this API returned");
  }
}
