/**
 * @module idempotency/fingerprint
 * SHA-256 digests for idempotent creates: of the key (so any client string becomes a short, safe
 * KV key) and of the request's meaning (the validated body, so whitespace and key order do not
 * make a retry "different").
 */
import type { CreateShareInput } from "../shares/create-schema.js";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function hashKey(key: string): Promise<string> {
  return sha256Hex(`idempotency-key\n${key}`);
}

/** The same for every body that creates the same share (after validation and trimming). */
export function fingerprint(input: CreateShareInput): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      input.generatedUrl,
      input.originalUrl,
      input.prompt,
      input.style,
      input.storeImage === true,
    ]),
  );
}
