/**
 * @module storage/memory
 * An in-isolate Map that honours KV's rules (key and metadata limits, 60 s minimum TTL, byte-ordered
 * listing with cursors, expiry on the clock) with KV's exact error messages. Data is lost when the
 * isolate restarts: that is the guide's original problem, kept visible on purpose.
 */
import { KV_LIMITS, limitText } from "../../lib/kv-limits.js";
import { now } from "../clock.js";
import { compareKeys } from "./compare.js";
import type {
  ListOptions,
  ListResult,
  PutOptions,
  StorageBackend,
  ValueWithMetadata,
} from "./types.js";

interface Entry {
  value: string;
  metadata: unknown;
  /** Seconds since the epoch. */
  expiration: number | undefined;
}

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s);

function toBase64(s: string): string {
  return btoa(String.fromCharCode(...bytes(s)));
}

function fromBase64(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0)));
}

function validateKey(op: string, key: string): void {
  if (key === "") throw new TypeError("Key name cannot be empty.");
  if (key === "." || key === "..") throw new TypeError(`Illegal key name "${key}".`);
  const n = bytes(key).byteLength;
  if (n > KV_LIMITS.keyBytes) {
    throw new Error(`KV ${op} failed: 414 ${limitText.keyLength(n)}`);
  }
}

export function createMemoryBackend(): StorageBackend & { clear(): void; size(): number } {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiration !== undefined && entry.expiration * 1000 <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  async function put(key: string, value: string, options: PutOptions = {}): Promise<void> {
    validateKey("PUT", key);
    const valueBytes = bytes(value).byteLength;
    if (valueBytes > KV_LIMITS.valueBytes) {
      throw new Error(`KV PUT failed: 413 ${limitText.valueLength(valueBytes)}`);
    }
    let expiration: number | undefined;
    if (options.expirationTtl !== undefined) {
      if (options.expirationTtl < KV_LIMITS.minExpirationTtl) {
        throw new Error(`KV PUT failed: 400 ${limitText.expirationTtl(options.expirationTtl)}`);
      }
      expiration = Math.floor(now() / 1000) + options.expirationTtl;
    }
    let metadata: unknown = null;
    if (options.metadata !== undefined) {
      const json = JSON.stringify(options.metadata);
      const n = bytes(json).byteLength;
      if (n > KV_LIMITS.metadataBytes) {
        throw new Error(`KV PUT failed: 413 ${limitText.metadataLength(n)}`);
      }
      // A copy, as KV would: later mutation of the caller's object must not leak in.
      metadata = JSON.parse(json) as unknown;
    }
    entries.set(key, { value, metadata, expiration });
  }

  return {
    name: "memory",
    clear: () => entries.clear(),
    size: () => entries.size,

    async get(key: string): Promise<string | null> {
      validateKey("GET", key);
      return live(key)?.value ?? null;
    },

    async getMany(keys: string[]): Promise<Map<string, string | null>> {
      if (keys.length > KV_LIMITS.bulkKeys) {
        throw new Error(
          `KV GET_BULK failed: 400 You can request a maximum of ${KV_LIMITS.bulkKeys} keys`,
        );
      }
      const out = new Map<string, string | null>();
      for (const key of keys) {
        validateKey("GET_BULK", key);
        out.set(key, live(key)?.value ?? null);
      }
      return out;
    },

    async getWithMetadata(key: string): Promise<ValueWithMetadata> {
      validateKey("GET", key);
      const entry = live(key);
      return { value: entry?.value ?? null, metadata: entry?.metadata ?? null };
    },

    put,
    // In the isolate a put is never retried: one attempt is what a put is.
    putOnce: put,

    async delete(key: string): Promise<void> {
      validateKey("DELETE", key);
      entries.delete(key);
    },

    async list(options: ListOptions = {}): Promise<ListResult> {
      const limit = options.limit ?? KV_LIMITS.listLimit;
      if (!Number.isInteger(limit) || limit < 1 || limit > KV_LIMITS.listLimit) {
        throw new Error(
          `KV GET failed: 400 Invalid key_count_limit of ${limit}. Please specify an integer greater than 0.`,
        );
      }
      const prefix = options.prefix ?? "";
      // Like Miniflare: the cursor is base64 of the last key returned.
      const after = options.cursor ? fromBase64(options.cursor) : undefined;
      const names = [...entries.keys()]
        .filter((k) => k.startsWith(prefix) && live(k) !== undefined)
        .filter((k) => after === undefined || compareKeys(k, after) > 0)
        .sort(compareKeys);
      const page = names.slice(0, limit);
      const complete = names.length <= limit;
      const keys = page.map((name) => {
        const entry = entries.get(name)!;
        return {
          name,
          ...(entry.expiration !== undefined ? { expiration: entry.expiration } : {}),
          ...(entry.metadata !== null ? { metadata: entry.metadata } : {}),
        };
      });
      return complete
        ? { keys, list_complete: true }
        : { keys, list_complete: false, cursor: toBase64(page[page.length - 1]!) };
    },
  };
}
