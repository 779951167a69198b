/**
 * @module harness/workers/kv-http
 * KV's HTTP protocol, server side: decodes what workerd's KvNamespace sends (`GET /<key>`,
 * `POST /bulk/get`, `PUT /<key>`, `DELETE /<key>`, `GET /?prefix=`) into a {@link KvCall} and
 * encodes a {@link KvAnswer} or {@link KvServiceError} into the response workerd expects.
 */
import type { KvAnswer, KvCall, ReadMethod } from "./kv-call.js";
import { KvServiceError } from "./kv-call.js";

const param = (url: URL, name: string) => url.searchParams.get(name) ?? undefined;

function keyOf(url: URL): string {
  const raw = url.pathname.slice(1);
  return url.searchParams.get("urlencoded")?.toLowerCase() === "true"
    ? decodeURIComponent(raw)
    : raw;
}

export async function decodeKvRequest(request: Request, read: ReadMethod): Promise<KvCall> {
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname === "/bulk/get") {
    const body = (await request.json()) as {
      keys?: unknown;
      type?: unknown;
      withMetadata?: boolean;
      cacheTtl?: unknown;
    };
    return {
      op: "bulk",
      read: body.withMetadata ? "getWithMetadata" : "get",
      keys: body.keys,
      ...(body.type !== undefined ? { type: body.type } : {}),
      ...(body.cacheTtl !== undefined ? { cacheTtl: body.cacheTtl } : {}),
    };
  }
  if (request.method === "GET" && url.pathname === "/") {
    const limit = param(url, "key_count_limit");
    const prefix = param(url, "prefix");
    const cursor = param(url, "cursor");
    return {
      op: "list",
      ...(limit !== undefined ? { limit } : {}),
      ...(prefix !== undefined ? { prefix } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    };
  }
  const key = keyOf(url);
  if (request.method === "GET") {
    const cacheTtl = param(url, "cache_ttl");
    return { op: "get", read, key, ...(cacheTtl !== undefined ? { cacheTtl } : {}) };
  }
  if (request.method === "PUT") {
    const length = request.headers.get("content-length");
    const expiration = param(url, "expiration");
    const expirationTtl = param(url, "expiration_ttl");
    const metadata = request.headers.get("cf-kv-metadata");
    return {
      op: "put",
      key,
      body: request.body,
      ...(length !== null ? { length: Number(length) } : {}),
      ...(expiration !== undefined ? { expiration } : {}),
      ...(expirationTtl !== undefined ? { expirationTtl } : {}),
      ...(metadata !== null ? { metadata } : {}),
    };
  }
  if (request.method === "DELETE") return { op: "delete", key };
  throw new KvServiceError(405, "Method Not Allowed");
}

export function encodeKvAnswer(answer: KvAnswer): Response {
  const headers = new Headers();
  if ("cacheStatus" in answer && answer.cacheStatus) {
    headers.set("cf-cache-status", answer.cacheStatus);
  }
  switch (answer.kind) {
    case "missing":
      return new Response(null, { status: 404, headers });
    case "value":
      if (answer.metadata !== null && answer.metadata !== undefined) {
        headers.set("cf-kv-metadata", JSON.stringify(answer.metadata));
      }
      return new Response(answer.body, { headers });
    case "json":
      headers.set("content-type", "application/json");
      return new Response(JSON.stringify(answer.value), { headers });
    case "done":
      return new Response(null);
  }
}

export function encodeKvError(error: KvServiceError): Response {
  return new Response(null, { status: error.status, statusText: error.text });
}
