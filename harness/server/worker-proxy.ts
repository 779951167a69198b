/**
 * @module harness/server/worker-proxy
 * Forwards a request to one of the harness's Worker isolates and hands back its response.
 * The request is rebuilt from plain parts (URL, method, headers, bytes) because the Node HTTP
 * adapter and Miniflare each bring their own `Request` class.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { Harness } from "../types.js";
import { ControlError } from "./control-error.js";
import { NULL_BODY_STATUSES } from "./empty-answers.js";
import { ISOLATE_HEADER } from "./isolate-picker.js";

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the answer: the Worker's
 * `transfer-encoding: chunked` is not how this server sends the buffered body. The length is
 * recomputed for the same reason.
 */
const CONNECTION_HEADERS = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "content-length",
];

/**
 * The methods a request to the Worker can have: fetch refuses the others (TRACE, TRACK, CONNECT),
 * so they never reach workerd and are refused here rather than failing inside the harness.
 */
export const PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

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
    // As Cloudflare does, tell the Worker the client's address (its per-client rate limit keys on
    // it); a client's own CF-Connecting-IP is kept, so a local test can act as several clients.
    const remote = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
      ?.remoteAddress;
    if (remote && !headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", remote);
    const method = c.req.method;
    if (!PROXIED_METHODS.includes(method)) {
      throw new ControlError(
        "method_not_allowed",
        `${method} cannot be sent to a Worker (fetch refuses it); use ${PROXIED_METHODS.join(", ")}`,
        405,
        { Allow: PROXIED_METHODS.join(", ") },
      );
    }
    const body = method === "GET" || method === "HEAD" ? undefined : await c.req.arrayBuffer();
    const response = await harness.fetch(
      c.req.url,
      { method, headers, body, redirect: "manual" },
      isolate,
    );
    const outHeaders = new Headers(response.headers);
    outHeaders.set(ISOLATE_HEADER, String(isolate));
    for (const name of CONNECTION_HEADERS) outHeaders.delete(name);
    const outBody = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    return new Response(outBody, { status: response.status, headers: outHeaders });
  };
}
