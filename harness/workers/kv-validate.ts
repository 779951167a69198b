/**
 * @module harness/workers/kv-validate
 * The checks the KV service makes on every call, in its order and with its texts (those of
 * Miniflare's KV simulator, which match production's). The layer runs them before any fault rule
 * or edge cache answers, so a call production refuses is refused locally too, cached or not.
 * Times are virtual seconds.
 */
import { KvServiceError, type KvCall } from "./kv-call.js";
import { KV_LIMITS, limitText } from "../../lib/kv-limits.js";

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

/** A bulk key, checked server side (workerd checks single keys before sending them). */
export function validateKeyName(key: string): void {
  if (key === "") throw new KvServiceError(400, "Key names must not be empty");
  if (key === "." || key === "..") {
    throw new KvServiceError(400, `Illegal key name "${key}". Please use a different name.`);
  }
  validateKeyLength(key);
}

export function validateKeyLength(key: string): void {
  const bytes = utf8Length(key);
  if (bytes > KV_LIMITS.keyBytes) throw new KvServiceError(414, limitText.keyLength(bytes));
}

/** `cacheTtl` as KV reads it; `undefined` when absent. */
export function validateCacheTtl(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const ttl = typeof raw === "string" ? parseInt(raw) : Number(raw);
  if (Number.isNaN(ttl) || ttl < KV_LIMITS.minCacheTtl) {
    throw new KvServiceError(400, limitText.cacheTtl(typeof raw === "string" ? ttl : raw));
  }
  return ttl;
}

export type BulkType = "text" | "json";

/** The bulk request's own checks (type, key count); each key is checked as it is read. */
export function validateBulk(call: Extract<KvCall, { op: "bulk" }>): {
  keys: string[];
  type: BulkType;
} {
  const type = call.type;
  if (type && type !== "text" && type !== "json") {
    throw new KvServiceError(400, `"${String(type)}" is not a valid type. Use "json" or "text"`);
  }
  const keys = (Array.isArray(call.keys) ? call.keys : []) as string[];
  if (keys.length > KV_LIMITS.bulkKeys) {
    throw new KvServiceError(400, `You can request a maximum of ${KV_LIMITS.bulkKeys} keys`);
  }
  if (keys.length < 1) throw new KvServiceError(400, "You must request a minimum of 1 key");
  return { keys, type: (type || "text") as BulkType };
}

export interface PutOptions {
  /** Absolute expiration, virtual seconds. */
  expiration?: number;
  metadata?: unknown;
}

/** Expiration (TTL wins when both are sent) and metadata size, as KV checks them. */
export function validatePut(call: Extract<KvCall, { op: "put" }>, nowSec: number): PutOptions {
  const out: PutOptions = {};
  const { expirationTtl: rawTtl, expiration: rawAt } = call;
  if (rawTtl !== undefined) {
    const ttl = parseInt(rawTtl);
    if (Number.isNaN(ttl) || ttl <= 0) {
      throw new KvServiceError(
        400,
        `Invalid expiration_ttl of ${rawTtl}. Please specify integer greater than 0.`,
      );
    }
    if (ttl < KV_LIMITS.minExpirationTtl) {
      throw new KvServiceError(400, limitText.expirationTtl(rawTtl));
    }
    out.expiration = nowSec + ttl;
  } else if (rawAt !== undefined) {
    const at = parseInt(rawAt);
    if (Number.isNaN(at) || at <= nowSec) {
      throw new KvServiceError(
        400,
        `Invalid expiration of ${rawAt}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
      );
    }
    if (at < nowSec + KV_LIMITS.minExpirationTtl) {
      throw new KvServiceError(
        400,
        `Invalid expiration of ${rawAt}. Expiration times must be at least ${KV_LIMITS.minExpirationTtl} seconds in the future.`,
      );
    }
    out.expiration = at;
  }
  if (call.metadata !== undefined) {
    const bytes = utf8Length(call.metadata);
    if (bytes > KV_LIMITS.metadataBytes) {
      throw new KvServiceError(413, limitText.metadataLength(bytes));
    }
    try {
      out.metadata = JSON.parse(call.metadata);
    } catch {
      // What KV answers when the metadata is not JSON (workerd sends `undefined` for a function).
      throw new KvServiceError(500, "Internal Server Error");
    }
  }
  return out;
}

export function validateValueLength(bytes: number): void {
  if (bytes > KV_LIMITS.valueBytes) throw new KvServiceError(413, limitText.valueLength(bytes));
}

/** `limit` (workerd sends it only when > 0) and the prefix's length. */
export function validateList(call: Extract<KvCall, { op: "list" }>): {
  limit: number;
  prefix?: string;
} {
  let limit: number = KV_LIMITS.listLimit;
  if (call.limit !== undefined) {
    limit = parseInt(call.limit);
    if (Number.isNaN(limit) || limit < 1) {
      throw new KvServiceError(
        400,
        `Invalid key_count_limit of ${limit}. Please specify an integer greater than 0.`,
      );
    }
    if (limit > KV_LIMITS.listLimit) throw new KvServiceError(400, limitText.listLimitHigh(limit));
  }
  if (call.prefix !== undefined) validateKeyLength(call.prefix);
  return { limit, ...(call.prefix !== undefined ? { prefix: call.prefix } : {}) };
}
