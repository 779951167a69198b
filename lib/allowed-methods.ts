/**
 * @module lib/allowed-methods
 * Which methods an app serves on a path, so a request with another method is a 405 with `Allow`
 * (`PUT /api/share/:id`) rather than a 404 claiming the path does not exist.
 */
import type { Hono } from "hono";
import { PatternRouter } from "hono/router/pattern-router";

/** Methods a route table can name; HEAD is served wherever GET is (Hono answers it). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Build a lookup over the app's routes as they are when it is first called (route tables are
 * complete by then). Middleware (`ALL` routes) does not count as serving a path.
 * @example const allowed = allowedMethods(app); allowed("/api/share/x") // ["GET", "HEAD", "DELETE"]
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's routes, whatever its env
export function allowedMethods(app: Hono<any, any, any>): (path: string) => string[] {
  let router: PatternRouter<true> | undefined;
  return (path) => {
    if (!router) {
      router = new PatternRouter<true>();
      for (const route of app.routes) {
        if (route.method !== "ALL") router.add(route.method, route.path, true);
      }
    }
    const found = router;
    const allowed: string[] = METHODS.filter((method) => found.match(method, path)[0].length > 0);
    if (allowed.includes("GET")) allowed.splice(allowed.indexOf("GET") + 1, 0, "HEAD");
    return allowed;
  };
}
