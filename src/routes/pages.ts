/**
 * @module routes/pages
 * GET /s/:id: the share page, or a real HTML 404 for unknown, expired or malformed ids. Absolute
 * links use the canonical origin, never the request's Host header (the page is publicly cached).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { pageSecurityHeaders, renderNotFoundPage, renderSharePage } from "../pages/share-page.js";
import { isShareId } from "../shares/record.js";
import { canonicalOrigin } from "../urls/public-origin.js";

export const pageRoutes = new Hono<AppEnv>().get("/s/:id", pageSecurityHeaders, async (c) => {
  const id = c.req.param("id");
  const nonce = c.get("secureHeadersNonce")!;
  const share = isShareId(id) ? await c.get("store").get(id) : undefined;
  if (!share) return c.html(renderNotFoundPage(nonce), 404);
  c.header("Cache-Control", "public, max-age=60");
  const origin = canonicalOrigin(c.get("config").publicOrigin, c.req.url);
  return c.html(renderSharePage(share, origin, nonce));
});
