/** @module harness/workers/kv-errors The exact error messages production KV gives a Worker. */
import { KV_LIMITS, limitText } from "../../lib/kv-limits.js";
import type { KvOp } from "../types.js";

/** The METHOD workerd puts in `KV <METHOD> failed: ...` (list is labelled GET). */
export type KvMethod = "GET" | "GET_BULK" | "PUT" | "DELETE";

const STATUS_TEXT: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Temporarily Unavailable",
};

export function methodOf(op: KvOp, bulk = false): KvMethod {
  if (op === "put") return "PUT";
  if (op === "delete") return "DELETE";
  if ((op === "get" || op === "getWithMetadata") && bulk) return "GET_BULK";
  return "GET";
}

/** `new Error("KV PUT failed: 429 Too Many Requests")`, as workerd throws it. */
export function kvStatusError(method: KvMethod, status: number): Error {
  return new Error(`KV ${method} failed: ${status} ${STATUS_TEXT[status] ?? "Error"}`);
}

/** `KV <METHOD> failed: <status> <text>`: a KV service error whose status text is its reason. */
export function kvError(method: KvMethod, status: number, text: string): Error {
  return new Error(`KV ${method} failed: ${status} ${text}`);
}

/**
 * The 4xx an injected fault rule gives: production's text for the smallest input that breaks the
 * limit (validation runs first, so the call's own input is always within it).
 * 400: cache_ttl on reads, expiration_ttl on put, key_count_limit on list. 413: value (default) or
 * metadata on put. 414: the key (or list prefix) length.
 */
export function injectedClientError(
  op: KvOp,
  bulk: boolean,
  status: 400 | 413 | 414,
  reason?: "value" | "metadata",
): Error {
  const method = methodOf(op, bulk);
  if (status === 414) return kvError(method, 414, limitText.keyLength(KV_LIMITS.keyBytes + 1));
  if (status === 413) {
    return reason === "metadata"
      ? kvError(method, 413, limitText.metadataLength(KV_LIMITS.metadataBytes + 1))
      : kvError(method, 413, limitText.valueLength(KV_LIMITS.valueBytes + 1));
  }
  if (op === "put")
    return kvError(method, 400, limitText.expirationTtl(KV_LIMITS.minExpirationTtl - 1));
  if (op === "list") return kvError(method, 400, limitText.listLimitHigh(KV_LIMITS.listLimit + 1));
  return kvError(method, 400, limitText.cacheTtl(KV_LIMITS.minCacheTtl - 1));
}

/** What a Worker sees when the connection to KV drops. */
export function networkError(): Error {
  return new Error("Network connection lost.");
}
