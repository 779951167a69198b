/**
 * @module routes/pages
 * GET /s/:id: the share page, or a real HTML 404 for unknown, expired or malformed ids.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import {
  newNonce,
  pageSecurityHeaders,
  renderNotFoundPage,
  renderSharePage,
} from "../pages/share-page.js";
import { isShareId } from "../shares/record.js";

export const pageRoutes = new Hono<AppEnv>().get("/s/:id", async (c) => {
  const id = c.req.param("id");
  const nonce = newNonce();
  for (const [name, value] of Object.entries(pageSecurityHeaders(nonce))) c.header(name, value);
  const share = isShareId(id) ? await c.get("store").get(id) : undefined;
  if (!share) return c.html(renderNotFoundPage(nonce), 404);
  c.header("Cache-Control", "public, max-age=60");
  return c.html(renderSharePage(share, new URL(c.req.url).origin, nonce));
});
