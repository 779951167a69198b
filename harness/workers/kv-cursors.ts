/**
 * @module harness/workers/kv-cursors
 * Opaque list cursors (production profile): the layer hands out AES-GCM sealed tokens holding
 * Miniflare's cursor and the list prefix, and refuses any cursor it did not issue (or one reused
 * with another prefix) like other KV validation errors. Miniflare's own cursor is base64 of the
 * last key, so a client could forge or decode it; production's is opaque. Tokens survive
 * restarts (the key comes from the harness seed).
 */
import { KvServiceError } from "./kv-call.js";

/** Not documented by Cloudflare; chosen to read like KV's other 400s. */
export const INVALID_CURSOR = "Invalid cursor";

interface Sealed {
  c: string;
  p: string | null;
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) =>
      c.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

export class CursorSeal {
  #key: Promise<CryptoKey> | undefined;

  constructor(readonly seed: number) {}

  async seal(rawCursor: string, prefix: string | undefined): Promise<string> {
    const plain = new TextEncoder().encode(JSON.stringify({ c: rawCursor, p: prefix ?? null }));
    // Deterministic IV (same page, same token): runs stay reproducible.
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new Uint8Array([...plain, ...this.#salt()])),
    );
    const iv = digest.slice(0, 12);
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await this.#cryptoKey(), plain),
    );
    return toBase64Url(new Uint8Array([...iv, ...sealed]));
  }

  /** Miniflare's cursor for a token this layer issued for `prefix`; 400 otherwise. */
  async open(token: string, prefix: string | undefined): Promise<string> {
    const bytes = fromBase64Url(token);
    if (!bytes || bytes.length < 13) throw new KvServiceError(400, INVALID_CURSOR);
    let sealed: Sealed;
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.slice(0, 12) },
        await this.#cryptoKey(),
        bytes.slice(12),
      );
      sealed = JSON.parse(new TextDecoder().decode(plain)) as Sealed;
    } catch {
      throw new KvServiceError(400, INVALID_CURSOR);
    }
    if (sealed.p !== (prefix ?? null)) throw new KvServiceError(400, INVALID_CURSOR);
    return sealed.c;
  }

  #salt(): Uint8Array {
    return new TextEncoder().encode(`kv-cursor:${this.seed}`);
  }

  #cryptoKey(): Promise<CryptoKey> {
    this.#key ??= crypto.subtle
      .digest("SHA-256", this.#salt())
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    return this.#key;
  }
}
