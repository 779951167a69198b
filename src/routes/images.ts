/**
 * @module routes/images
 * GET /images/:id streams the copy stored in R2. The copy is served so that it can only ever be an
 * image: a CSP that allows nothing and sandboxes the document, and a Content-Disposition (nosniff is
 * the app's, on every answer); an object whose type is not one of the stored raster types (written
 * before the magic-byte check) goes out as an `application/octet-stream` attachment. R2 failing is a 503 `storage_unavailable`
 * with `Retry-After`, never R2's own message. An image is served only while its share exists (one
 * read of the share, usually from the isolate's read cache).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { notFound, storageUnavailable } from "../errors.js";
import { IMAGE_EXTENSIONS, isStoredImageType } from "../images/image-format.js";
import { imageKey } from "../images/store-image.js";
import { isShareId } from "../shares/record.js";

export const IMAGE_CSP = "default-src 'none'; sandbox";

export const imageRoutes = new Hono<AppEnv>().get("/images/:id", async (c) => {
  const id = c.req.param("id");
  const bucket = c.env.SHARE_IMAGES;
  if (!isShareId(id) || !bucket) throw notFound("No stored image");
  // Only a share's image: one left behind by a delete R2 could not finish, or by a create or
  // delete a crash cut off, is served by nobody (the lifecycle rule removes it).
  if (!(await c.get("store").get(id))) throw notFound("No stored image");
  let object: R2ObjectBody | null;
  try {
    object = await bucket.get(imageKey(id));
  } catch (error) {
    throw storageUnavailable("The image storage (R2) failed; try again", error);
  }
  if (!object) throw notFound("No stored image");
  const stored = object.httpMetadata?.contentType;
  const raster = isStoredImageType(stored);
  return new Response(object.body, {
    headers: {
      "Content-Type": raster ? stored : "application/octet-stream",
      "Content-Disposition": raster
        ? `inline; filename="${id}.${IMAGE_EXTENSIONS[stored]}"`
        : `attachment; filename="${id}"`,
      "Content-Security-Policy": IMAGE_CSP,
      "Cache-Control": "public, max-age=86400, immutable",
      ETag: object.httpEtag,
    },
  });
});
