/**
 * @module harness/server/worker-proxy
 * Forwards a request to one of the harness's Worker isolates and hands back its response.
 * The request is rebuilt from plain parts (URL, method, headers, bytes) because the Node HTTP
 * adapter and Miniflare each bring their own `Request` class.
 */
import type { Context } from "hono";
import type { Harness } from "../types";
import { ISOLATE_HEADER } from "./isolate-picker";

/** Statuses whose responses must not carry a body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A Hono handler that proxies to `harness.fetch(url, init, isolate)`.
 * @example app.all("*", createWorkerProxy(harness, createIsolatePicker(2, "first")))
 */
export function createWorkerProxy(
  harness: Harness,
  pickIsolate: (header: string | undefined) => number,
): (c: Context) => Promise<Response> {
  return async (c) => {
    const isolate = pickIsolate(c.req.header(ISOLATE_HEADER));
    const headers = new Headers(c.req.raw.headers);
    // The Worker sees what production would: the harness's routing header is not part of it.
    headers.delete(ISOLATE_HEADER);
    const method = c.req.method;
    const body = method === "GET" || method === "HEAD" ? undefined : await c.req.arrayBuffer();
    const response = await harness.fetch(
      c.req.url,
      { method, headers, body, redirect: "manual" },
      isolate,
    );
    const outHeaders = new Headers(response.headers);
    outHeaders.set(ISOLATE_HEADER, String(isolate));
    // The body is re-sent as a buffer, so let the HTTP server recompute its length.
    outHeaders.delete("content-length");
    const outBody = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    return new Response(outBody, { status: response.status, headers: outHeaders });
  };
}
