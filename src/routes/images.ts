/**
 * @module routes/images
 * GET /images/:id streams the copy stored in R2 with its content type.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { notFound } from "../errors.js";
import { imageKey } from "../images/store-image.js";
import { isShareId } from "../shares/record.js";

export const imageRoutes = new Hono<AppEnv>().get("/images/:id", async (c) => {
  const id = c.req.param("id");
  const bucket = c.env.SHARE_IMAGES;
  if (!isShareId(id) || !bucket) throw notFound("No stored image");
  const object = await bucket.get(imageKey(id));
  if (!object) throw notFound("No stored image");
  return new Response(object.body, {
    headers: {
      "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
      "Cache-Control": "public, max-age=86400, immutable",
      ETag: object.httpEtag,
      "X-Content-Type-Options": "nosniff",
    },
  });
});
