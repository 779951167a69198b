/**
 * @module harness/server/control-routes
 * The answer to a request under `/__harness/` that no route serves, from the route table of the
 * app that serves it (the dev app, or a session's control API): a 405 with `Allow` when the path
 * exists with other methods, else a 404 listing every route there is.
 */
import type { Hono } from "hono";
import { allowedMethods } from "../../lib/allowed-methods.js";
import { ControlError } from "./control-error.js";

const lookups = new WeakMap<Hono, (path: string) => string[]>();

/** `:key{.+}` as OpenAPI writes it, `{key}`. */
export const asOpenApiPath = (path: string): string => path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");

/** `GET|PUT|POST|DELETE /__harness/faults`, one entry per path under /__harness (after `shownAt`). */
export function controlRouteList(app: Hono, shownAt = ""): string[] {
  const byPath = new Map<string, string[]>();
  for (const { method, path } of app.routes) {
    if (method === "ALL" || !path.startsWith("/__harness")) continue;
    const shown = asOpenApiPath(path);
    const methods = byPath.get(shown) ?? [];
    if (!methods.includes(method)) methods.push(method);
    byPath.set(shown, methods);
  }
  return [...byPath].map(([path, methods]) => `${methods.join("|")} ${shownAt}${path}`);
}

/**
 * The ControlError to throw for `method path` that no route of `app` served. `shownAt` is where the
 * client reaches `app` (a session's base), so the paths it names are ones the client can call.
 * @example throw unknownControlRoute(app, "PUT", "/__harness/state") // 405, Allow: GET, HEAD
 */
export function unknownControlRoute(
  app: Hono,
  method: string,
  path: string,
  shownAt = "",
): ControlError {
  let allowed = lookups.get(app);
  if (!allowed) {
    allowed = allowedMethods(app);
    lookups.set(app, allowed);
  }
  const allow = allowed(path);
  if (allow.length > 0) {
    return new ControlError(
      "method_not_allowed",
      `${method} is not allowed on ${shownAt}${path}; it answers ${allow.join(", ")}`,
      405,
      { Allow: allow.join(", ") },
    );
  }
  return new ControlError(
    "route_not_found",
    `No control route ${method} ${shownAt}${path}. Routes: ${controlRouteList(app, shownAt).join(", ")}. ` +
      `Every route with its input: GET ${shownAt}/__harness/openapi.json`,
    404,
  );
}
