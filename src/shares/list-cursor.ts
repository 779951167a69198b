/**
 * @module shares/list-cursor
 * The opaque list cursor (base64url JSON): phase "pending" resumes this isolate's pending shares
 * after the last one returned; phase "kv" resumes a KV list page after the last key returned;
 * phase "legacy" pages the guide's metadata-less records by index. `s`, when the list began with
 * pending shares: when it began, so its pages keep those flushed since in the pending phase.
 */
import { z } from "zod";
import { AppError } from "../errors.js";
import { ID_PATTERN } from "./record.js";

const cursorSchema = z.discriminatedUnion("p", [
  z.strictObject({
    p: z.literal("pending"),
    /** Timestamp and id of the last pending share returned (newest first, then by id). */
    t: z.number().int().min(0),
    i: z.string().regex(ID_PATTERN),
    s: z.number().int().min(0).optional(),
  }),
  z.strictObject({
    p: z.literal("kv"),
    /** KV cursor of the page to (re)fetch; absent for the first page. */
    c: z.string().max(4096).optional(),
    /** Last key returned from that page; keys <= it are skipped. */
    a: z.string().max(600).optional(),
    s: z.number().int().min(0).optional(),
  }),
  z.strictObject({ p: z.literal("legacy"), i: z.number().int().min(0) }),
]);

export type ListCursor = z.infer<typeof cursorSchema>;

function toBase64Url(text: string): string {
  const bin = String.fromCharCode(...new TextEncoder().encode(text));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}

/** `atob` takes unpadded base64 (WHATWG forgiving-base64), so the padding is not put back. */
function fromBase64Url(s: string): string {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}

export function encodeCursor(cursor: ListCursor): string {
  return toBase64Url(JSON.stringify(cursor));
}

/** Longer than any cursor this API makes (the schema's fields are bounded). */
const MAX_CURSOR_LENGTH = 8192;

/** 400 `invalid_cursor`: also for a KV cursor inside ours that KV itself refuses. */
export function invalidCursor(): never {
  throw new AppError(400, "invalid_cursor", "The cursor is not one this API returned");
}

/** Decode a client cursor; anything malformed is 400 `invalid_cursor`. */
export function decodeCursor(raw: string): ListCursor {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: a longer text fails decoding or the schema with the same 400; the bound only spares that work
  if (raw.length > MAX_CURSOR_LENGTH) return invalidCursor();
  // URL-safe base64 only: `atob` would also take `+`, `/`, `=` and whitespace.
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) return invalidCursor();
  try {
    return cursorSchema.parse(JSON.parse(fromBase64Url(raw)));
  } catch {
    return invalidCursor();
  }
}
