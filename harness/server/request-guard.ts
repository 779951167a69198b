/**
 * @module harness/server/request-guard
 * The dev server's front door, in front of every route: a web page the developer happens to visit
 * must not drive the control API, and no request makes it hold an unbounded body. Four checks,
 * each answering `{ error: { code, message } }`:
 *
 * - Host (DNS rebinding): the Host header, and the request URL, must name the bound address or a
 *   loopback name (`allowedHosts` adds more, e.g. the machine's name for `--host 0.0.0.0`).
 * - Paths: a request target with `.`/`..` segments (also `%2e`-encoded or behind `\`) is refused
 *   before routing, so `/api/share/%2e%2e/%2e%2e/__harness/state` never reaches `/__harness`.
 * - Mutating control routes (anything but GET/HEAD under `/__harness`, a session's own Worker
 *   routes excepted): `Content-Type:
 *   application/json` (no HTML form or no-cors fetch can send it without a CORS preflight, which
 *   the dev server never grants) and an Origin that is absent or the dev server's own.
 * - Bodies: at most {@link CONTROL_BODY_LIMIT} bytes on the control API and
 *   {@link WORKER_BODY_LIMIT} on the way to the Worker (refused from Content-Length, unread).
 */
import type { IncomingMessage } from "node:http";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isLoopbackHost } from "../../lib/host-names.js";
import { CONTROL_BASE_PATH } from "./control-api.js";
import { ControlError } from "./control-error.js";

export interface RequestGuardOptions {
  /** Host names (no port) answered besides loopback names, e.g. the `--host` address. */
  allowedHosts?: readonly string[];
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/** The largest control request body: room for a KV snapshot holding a 25 MiB value as base64. */
export const CONTROL_BODY_LIMIT = 64 * 1024 * 1024;
/** The largest body passed on to the Worker: Cloudflare's request body limit (Free, Pro: 100 MB). */
export const WORKER_BODY_LIMIT = 100 * 1000 * 1000;

/** hono's bodyLimit answering 413 `payload_too_large` past `maxSize` bytes. */
function limitBodyTo(maxSize: number, whose: string): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      throw new ControlError(
        "payload_too_large",
        `${c.req.method} ${new URL(c.req.url).pathname}: the body is larger than ${maxSize} bytes, ${whose}`,
        413,
      );
    },
  });
}
const limitControlBody = limitBodyTo(CONTROL_BODY_LIMIT, "the control API's limit");
// The Worker proxy holds a body in memory before workerd sees it: without a bound, one request
// could make the dev server hold any size.
const limitWorkerBody = limitBodyTo(WORKER_BODY_LIMIT, "Cloudflare's request body limit");

/** `example.com:8787` or `[::1]:8787` without the port, lower case. */
function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The request target as the client sent it (Node's raw `url`), or the parsed URL's path. */
function rawTarget(env: unknown, url: URL): string {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.url ?? `${url.pathname}${url.search}`;
}

/** True when a path segment is `.` or `..`, however it is spelled (`%2e`, `.%2E`, `\`). */
export function hasDotSegment(target: string): boolean {
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").split(/[?#]/, 1)[0] ?? "";
  return path
    .replace(/%2e/gi, ".")
    .split(/\/|\\|%5c/i)
    .some((segment) => segment === "." || segment === "..");
}

const underControl = (path: string) =>
  path === CONTROL_BASE_PATH || path.startsWith(`${CONTROL_BASE_PATH}/`);
const SESSION_PREFIX = new RegExp(`^${CONTROL_BASE_PATH}/sessions/[^/]+`);

/**
 * A control route: under `/__harness`, except a session's Worker routes
 * (`/__harness/sessions/:id/api/...`), which are Worker traffic like `/api/...` itself.
 */
export function isControlPath(path: string): boolean {
  if (!underControl(path)) return false;
  const session = SESSION_PREFIX.exec(path);
  if (!session) return true;
  const rest = path.slice(session[0].length);
  return rest === "" || rest === "/" || underControl(rest);
}

/** True when `origin` is exactly the origin the request was sent to (Host already checked). */
function isOwnOrigin(origin: string, url: URL): boolean {
  return origin === url.origin;
}

/**
 * The guard middleware; register it before every other route of the dev app.
 * @example app.use("*", requestGuard({ allowedHosts: ["devbox.lan"] }))
 */
export function requestGuard(options: RequestGuardOptions = {}): MiddlewareHandler {
  // A bare IPv6 address (`--host 2001:db8::5`) is written in brackets in Host headers.
  const bracketed = (h: string) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h);
  const allowed = new Set(
    (options.allowedHosts ?? []).map((h) => hostnameOf(bracketed(h)) ?? h.toLowerCase()),
  );
  const isAllowedHost = (hostname: string | undefined): boolean =>
    hostname !== undefined && (isLoopbackHost(hostname) || allowed.has(hostname));

  return async (c, next) => {
    const url = new URL(c.req.url);
    const hostHeader = c.req.header("host");
    // The request URL's host (an absolute-form target's own) is named when it is the one refused.
    const refused = !isAllowedHost(url.hostname.toLowerCase())
      ? url.host
      : hostHeader !== undefined && !isAllowedHost(hostnameOf(hostHeader))
        ? hostHeader
        : undefined;
    if (refused !== undefined) {
      throw new ControlError(
        "host_not_allowed",
        `Host ${JSON.stringify(refused)} is not this dev server's address. ` +
          "Open it as http://127.0.0.1 or http://localhost, or allow the name with --allowed-host.",
        403,
      );
    }
    if (hasDotSegment(rawTarget(c.env, url))) {
      throw new ControlError(
        "invalid_path",
        "Paths with . or .. segments are refused; send the path without them.",
        400,
      );
    }
    const control = isControlPath(url.pathname);
    if (control && !READ_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const site = c.req.header("sec-fetch-site");
      if ((origin !== undefined && !isOwnOrigin(origin, url)) || (site && site !== "same-origin")) {
        throw new ControlError(
          "cross_origin_refused",
          `${c.req.method} ${url.pathname} is refused from another origin (${origin ?? site}); ` +
            "the control API only takes changes from this dev server's own pages, curl or tests.",
          403,
        );
      }
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json") {
        throw new ControlError(
          "unsupported_media_type",
          `${c.req.method} ${url.pathname} needs Content-Type: application/json (send {} when there is nothing to say)`,
          415,
        );
      }
    }
    // Only a request that declares a body goes through a limit: hono's bodyLimit reads a
    // body-less one (a browser's DELETE has neither header) as a stream that never ends.
    if (c.req.header("transfer-encoding")) {
      // bodyLimit re-makes a chunked request with `new Request(c.req.raw, …)`, which cannot copy
      // the Node adapter's own Request class (a 500): it gets a real one over the same stream.
      const { method, headers, body } = c.req.raw;
      c.req.raw = new Request(c.req.url, { method, headers, body, duplex: "half" } as RequestInit);
    }
    if (c.req.header("content-length") !== undefined || c.req.header("transfer-encoding")) {
      return (control ? limitControlBody : limitWorkerBody)(c, next);
    }
    await next();
  };
}
