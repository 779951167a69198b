/**
 * @module harness/workers/kv-call
 * One KV operation as the KV layer's service receives it over KV's HTTP protocol (the same calls
 * workerd's KvNamespace sends Miniflare's KV service), what the layer answers, and the error that
 * becomes `KV <METHOD> failed: <status> <text>` in the Worker.
 */
import type { KvOp } from "../types.js";

export type ReadMethod = "get" | "getWithMetadata";

/** Options stay the strings workerd sent; validation parses them the way KV does. */
export type KvCall =
  | { op: "get"; read: ReadMethod; key: string; cacheTtl?: string }
  | {
      op: "bulk";
      read: ReadMethod;
      keys: unknown;
      type?: unknown;
      cacheTtl?: unknown;
    }
  | {
      op: "put";
      key: string;
      body: ReadableStream | null;
      /** Content-Length, when workerd knew it. */
      length?: number;
      expiration?: string;
      expirationTtl?: string;
      /** The metadata's JSON text, as workerd serialised it. */
      metadata?: string;
    }
  | { op: "delete"; key: string }
  | { op: "list"; limit?: string; prefix?: string; cursor?: string };

export type KvAnswer =
  | {
      kind: "value";
      body: ReadableStream | Uint8Array;
      metadata: unknown;
      cacheStatus?: string;
    }
  | { kind: "missing"; cacheStatus?: string }
  | { kind: "json"; value: unknown; cacheStatus?: string }
  | { kind: "done" };

/** A KV service answer with a non-2xx status; workerd shows it as `KV <M> failed: <s> <text>`. */
export class KvServiceError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`${status} ${text}`);
    this.name = "KvServiceError";
  }
}

const WORKERD_ERROR = /^KV \w+ failed: (\d{3}) ([\s\S]*)$/;

/**
 * The service-level form of an error from Miniflare's binding (`KV PUT failed: 400 ...` becomes
 * status 400 with that text), so the Worker sees exactly what Miniflare's binding said.
 */
export function asServiceError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const match = WORKERD_ERROR.exec(error.message);
  return match ? new KvServiceError(Number(match[1]), match[2]!) : error;
}

/** The fault-rule op of a call, and whether it is a bulk read. */
export function faultOpOf(call: KvCall): { op: KvOp; bulk: boolean } {
  if (call.op === "get") return { op: call.read, bulk: false };
  if (call.op === "bulk") return { op: call.read, bulk: true };
  return { op: call.op, bulk: false };
}
