/**
 * @module idempotency/key
 * The `Idempotency-Key` request header (IETF httpapi draft): a Structured Field string, e.g.
 * `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`. A token or a bare value of visible
 * ASCII (how many clients send it) is accepted too; anything else is a 400 naming the rule.
 */
import { parseItem, Token } from "structured-headers";
import { AppError } from "../errors.js";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const MAX_KEY_LENGTH = 255;

const BARE = /^[\x21-\x7e]+$/;

function invalid(why: string): AppError {
  return new AppError(
    400,
    "invalid_idempotency_key",
    `${IDEMPOTENCY_HEADER} ${why}: send a quoted string of 1 to ${MAX_KEY_LENGTH} visible ASCII characters, e.g. ${IDEMPOTENCY_HEADER}: "3f2b6c1e-9a4d-4e7b-8c21-5d0f9e8a7b6c"`,
    { fields: [{ path: IDEMPOTENCY_HEADER, message: why }] },
  );
}

/**
 * The key the client sent, or undefined without the header.
 * @example parseIdempotencyKey('"order-42"') // "order-42"
 */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = header.trim();
  let key: string | undefined;
  try {
    const [value] = parseItem(raw);
    if (typeof value === "string") key = value;
    else if (value instanceof Token) key = value.toString();
  } catch {
    // Not a Structured Field: a bare value is accepted below when it is plain visible ASCII.
  }
  if (key === undefined && BARE.test(raw) && !raw.includes('"')) key = raw;
  if (key === undefined) throw invalid("is not a string");
  if (key.length === 0) throw invalid("is empty");
  if (key.length > MAX_KEY_LENGTH) throw invalid(`is longer than ${MAX_KEY_LENGTH} characters`);
  if (!BARE.test(key)) throw invalid("has characters outside visible ASCII");
  return key;
}
