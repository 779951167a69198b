/**
 * @module lib/bounded-json
 * JSON.parse behind a size and a nesting bound, checked before parsing: stored values that no
 * correct writer produces (megabytes, thousands of levels) are refused cheaply instead of being
 * materialised, so one bad record costs one bounded scan.
 */

export interface JsonBounds {
  /** Longest text accepted, in UTF-16 code units (`string.length`). */
  maxChars: number;
  /** Deepest nesting of objects and arrays accepted (a flat object is 1). */
  maxDepth: number;
}

/**
 * Deepest JSON the harness takes from outside (a control API body, a request body it records). KV
 * metadata (at most 1,024 bytes) nests at most 512 levels, so no correct input comes near; a deeper
 * one would overflow the stack of what walks it.
 */
export const MAX_INPUT_DEPTH = 1024;

export type BoundedParse = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parse `text` when it is within `bounds`; otherwise say why not.
 * @example parseBoundedJson('{"a":[1]}', { maxChars: 100, maxDepth: 2 }) // { ok: true, value: { a: [1] } }
 */
export function parseBoundedJson(text: string, bounds: JsonBounds): BoundedParse {
  if (text.length > bounds.maxChars) {
    return { ok: false, reason: `larger than ${bounds.maxChars} characters (${text.length})` };
  }
  if (nestedDeeperThan(text, bounds.maxDepth)) {
    return { ok: false, reason: `nested deeper than ${bounds.maxDepth} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "not JSON" };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]

/**
 * True once brackets outside strings nest deeper than `limit` (stops scanning there). JSON.parse
 * takes any depth, but what then walks the value (JSON.stringify, structuredClone, a schema) recurses
 * and overflows the stack some thousands of levels down: check before parsing text from outside.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPEN.has(c)) {
      if (++depth > limit) return true;
    } else if (CLOSE.has(c)) {
      depth--;
    }
  }
  return false;
}
