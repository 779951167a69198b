/** @module harness/workers/kv-errors The exact error messages production KV gives a Worker. */
import type { KvOp } from "../types";

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
  if (op === "get" && bulk) return "GET_BULK";
  return "GET";
}

/** `new Error("KV PUT failed: 429 Too Many Requests")`, as workerd throws it. */
export function kvStatusError(method: KvMethod, status: number): Error {
  return new Error(`KV ${method} failed: ${status} ${STATUS_TEXT[status] ?? "Error"}`);
}

/** What a Worker sees when the connection to KV drops. */
export function networkError(): Error {
  return new Error("Network connection lost.");
}
