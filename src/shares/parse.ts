/**
 * @module shares/parse
 * Turns a stored value into the ShareData its key names, or says why it is corrupt: too large,
 * too deeply nested, not JSON, not a share, or another share's record (its id is not its key's).
 * Corrupt records are 404 on get, skipped by list and counted by monitoring, never a 500.
 */
import { parseBoundedJson, type JsonBounds } from "../../lib/bounded-json.js";
import { SHARE_KEY_PREFIX } from "./record.js";
import { shareDataSchema, type ShareData } from "./schema.js";

/**
 * A record is a flat object: two URLs (2 048 chars each), a prompt (2 000) and a few short fields,
 * so 64 Ki characters and 4 levels leave room for the guide's legacy records and nothing more.
 */
export const RECORD_BOUNDS: JsonBounds = { maxChars: 64 * 1024, maxDepth: 4 };

export type RecordRead = { ok: true; share: ShareData } | { ok: false; reason: string };

/**
 * Read the value stored at `key` (`share:{id}`).
 * @example readShareRecord("share:abc", '{"id":"abc",...}') // { ok: true, share }
 */
export function readShareRecord(key: string, value: string): RecordRead {
  const parsed = parseBoundedJson(value, RECORD_BOUNDS);
  if (!parsed.ok) return parsed;
  const result = shareDataSchema.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(value)";
    return { ok: false, reason: `not a share: ${where} ${issue?.message ?? "is invalid"}` };
  }
  const keyId = key.startsWith(SHARE_KEY_PREFIX) ? key.slice(SHARE_KEY_PREFIX.length) : key;
  if (result.data.id !== keyId) {
    return { ok: false, reason: `holds the record of another share (${clip(result.data.id)})` };
  }
  return { ok: true, share: result.data };
}

const clip = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
