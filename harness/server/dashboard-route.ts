/**
 * @module harness/server/dashboard-route
 * `GET /__harness/`: the dashboard page, and its static files under `/__harness/ui/`, read from
 * `harness/dashboard/` on each request (plain HTML, ES modules and CSS: no build step); the
 * Worker's plugin adds its own modules (`/__harness/ui/plugin/…`) and the Worker reads they make.
 */
import { readFile } from "node:fs/promises";
import path, { extname, join } from "node:path";
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

async function serveFile(name: string, dir = DASHBOARD_DIR): Promise<Response | undefined> {
  try {
    const body = await readFile(join(dir, name));
    const type = CONTENT_TYPES[extname(name)] ?? "application/octet-stream";
    return new Response(body, { headers: { ...HEADERS, "Content-Type": type } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The plugin's page modules: flat names, like the core's. */
const PLUGIN_ASSET = /^[a-z0-9][a-z0-9-]*\.(js|css)$/;

const notFound = (code: string, message: string) =>
  Response.json({ error: { code, message } }, { status: 404 });

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
        // Served on the control API's origin: whatever the Worker answers (HTML included) is
        // data for the page, never a document that could run script there.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        [ISOLATE_HEADER]: String(isolate),
      },
    });
  };
  // Worker reads the plugin names (the share Worker's `/api/monitoring`, `/api/shares`, its R2
  // thumbnails), answered in-process rather than through the proxy so that a recording
  // (`--record`) holds the app's own traffic, not the dashboard's. Same isolate header as the proxy.
  const views = harness.plugin?.dashboard;
  app.get(`${DASHBOARD_ASSET_PATH}/plugin`, (c) =>
    c.json(
      views
        ? { name: harness.plugin!.name, entry: `${DASHBOARD_ASSET_PATH}/plugin/${views.entry}` }
        : { name: null, entry: null },
    ),
  );
  app.get(`${DASHBOARD_ASSET_PATH}/plugin/:name`, async (c) => {
    const name = c.req.param("name");
    const file = views && PLUGIN_ASSET.test(name) ? await serveFile(name, views.dir) : undefined;
    return file ?? notFound("asset_not_found", `No dashboard plugin file ${JSON.stringify(name)}`);
  });
  app.get(`${DASHBOARD_ASSET_PATH}/api/:name`, async (c) => {
    const name = c.req.param("name");
    const path = Object.hasOwn(views?.reads ?? {}, name) ? views!.reads![name] : undefined;
    if (!path) return notFound("route_not_found", `No dashboard read ${name}`);
    return workerRead(`${path}${new URL(c.req.url).search}`, c.req.header(ISOLATE_HEADER));
  });
  // Objects by id (thumbnails of R2 copies); an <img> cannot send the isolate header, so
  // isolate 0 answers.
  app.get(`${DASHBOARD_ASSET_PATH}/:kind/:id`, async (c) => {
    const kind = c.req.param("kind");
    const prefix = Object.hasOwn(views?.objects ?? {}, kind) ? views!.objects![kind] : undefined;
    if (!prefix) return notFound("route_not_found", `No dashboard object kind ${kind}`);
    return workerRead(`${prefix}${encodeURIComponent(c.req.param("id"))}`, undefined);
  });
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
