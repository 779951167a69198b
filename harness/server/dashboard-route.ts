/**
 * @module harness/server/dashboard-route
 * `GET /__harness/`: the dashboard page, and its static files under `/__harness/ui/`, read from
 * `harness/dashboard/` on each request (plain HTML, ES modules and CSS: no build step).
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { Hono } from "hono";
import type { Harness } from "../types.js";
import { createIsolatePicker, ISOLATE_HEADER } from "./isolate-picker.js";

/** Where the page's files live; only names matching ASSET_NAME inside it are ever served. */
export const DASHBOARD_DIR = path.join(import.meta.dirname, "../dashboard/");

/** The URL prefix of the page's assets; not a control route, so no clash with `/__harness/kv`. */
export const DASHBOARD_ASSET_PATH = "/__harness/ui";

/** Flat file names only: no slashes or dots-first names, so no way out of DASHBOARD_DIR. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * The page runs only its own files and talks only to this server. Images may come from share
 * `generatedUrl`s (https), as on the share page; nothing else may leave the machine.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' https: data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS = {
  "Content-Security-Policy": DASHBOARD_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // Files are read per request; the browser should too, so an edit shows on reload.
  "Cache-Control": "no-store",
};

async function serveFile(name: string): Promise<Response | undefined> {
  try {
    const body = await readFile(join(DASHBOARD_DIR, name));
    const type = CONTENT_TYPES[extname(name)] ?? "application/octet-stream";
    return new Response(body, { headers: { ...HEADERS, "Content-Type": type } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Worker reads the page makes (`/__harness/ui/api/monitoring` → `/api/monitoring`, and R2
 * thumbnails `/__harness/ui/images/:id` → `/images/:id`), answered in-process rather than through
 * the proxy so that a recording (`--record`) holds the app's own traffic, not the dashboard's.
 * Same isolate header as the proxy.
 */
const WORKER_READS = new Set(["monitoring", "shares"]);

/** The dashboard route; mount it before the control API so it owns `/__harness/`. */
export function createDashboardRoute(harness: Harness): Hono {
  const app = new Hono();
  const pickIsolate = createIsolatePicker(harness.options.isolates, "first");
  const workerRead = async (path: string, isolateHeader: string | undefined) => {
    const isolate = pickIsolate(isolateHeader);
    const res = await harness.fetch(path, {}, isolate);
    return new Response(await res.arrayBuffer(), {
      status: res.status,
      headers: {
        "Content-Type": res.headers.get("content-type") ?? "application/octet-stream",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        [ISOLATE_HEADER]: String(isolate),
      },
    });
  };
  app.get(`${DASHBOARD_ASSET_PATH}/api/:name`, async (c) => {
    const name = c.req.param("name");
    if (!WORKER_READS.has(name)) {
      return c.json(
        { error: { code: "route_not_found", message: `No dashboard read ${name}` } },
        404,
      );
    }
    return workerRead(`/api/${name}${new URL(c.req.url).search}`, c.req.header(ISOLATE_HEADER));
  });
  // Thumbnails of R2 copies; an <img> cannot send the isolate header, so isolate 0 answers.
  app.get(`${DASHBOARD_ASSET_PATH}/images/:id`, (c) =>
    workerRead(`/images/${encodeURIComponent(c.req.param("id"))}`, undefined),
  );
  app.get("/__harness", (c) => c.redirect("/__harness/"));
  app.get("/__harness/", async () => (await serveFile("index.html"))!);
  app.get(`${DASHBOARD_ASSET_PATH}/:name`, async (c) => {
    const name = c.req.param("name");
    const file = ASSET_NAME.test(name) ? await serveFile(name) : undefined;
    if (file) return file;
    return c.json(
      { error: { code: "asset_not_found", message: `No dashboard file ${JSON.stringify(name)}` } },
      404,
    );
  });
  return app;
}
