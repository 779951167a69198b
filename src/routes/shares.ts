/**
 * @module routes/shares
 * The JSON API: create, read, list and delete shares.
 */
import { zValidator } from "@hono/zod-validator";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env.js";
import { requireAdmin } from "../auth/admin-bearer.js";
import { now } from "../clock.js";
import { AppError, notFound } from "../errors.js";
import { storeImage, imageKey } from "../images/store-image.js";
import { logEvent } from "../log.js";
import { limitCreates } from "../rate-limit/limit-creates.js";
import { idempotentCreate } from "../idempotency/create-guard.js";
import { shareAnswer } from "../shares/answer.js";
import { createShareSchema } from "../shares/create-schema.js";
import { parseListQuery } from "../shares/list-query.js";
import { createShareId, isShareId } from "../shares/record.js";
import type { ShareData } from "../shares/schema.js";
import { assertShareId } from "../shares/store.js";
import { requireJson } from "./require-json.js";

export const MAX_BODY_BYTES = 64 * 1024;

/** Strict UTF-8: a byte sequence that is not UTF-8 is refused, not stored as U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const parseJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    utf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid UTF-8");
  }
  try {
    await c.req.json();
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid JSON");
  }
  await next();
};

const tooLarge = (): never => {
  throw new AppError(413, "payload_too_large", `The body must be at most ${MAX_BODY_BYTES} bytes`);
};

export const shareRoutes = new Hono<AppEnv>()
  .post(
    "/api/share",
    requireJson,
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }),
    parseJson,
    zValidator("json", createShareSchema, (result) => {
      if (!result.success) {
        const fields = result.error.issues.map((i) => ({
          path:
            i.path.map(String).join(".") ||
            (i.code === "unrecognized_keys" ? i.keys.join(",") : ""),
          message: i.message,
        }));
        throw new AppError(
          400,
          "validation_failed",
          `Invalid fields: ${fields.map((f) => f.path || "(body)").join(", ")}`,
          { fields },
        );
      }
    }),
    limitCreates,
    idempotentCreate,
    async (c) => {
      const input = c.req.valid("json");
      const config = c.get("config");
      const timestamp = now();
      const id = createShareId(timestamp);
      let warning: { code: "image_not_stored"; message: string } | undefined;
      let isR2Stored = false;
      if (input.storeImage) {
        const result = await storeImage({
          id,
          url: input.generatedUrl,
          bucket: c.env.SHARE_IMAGES,
          timeoutMs: config.imageFetchTimeoutMs,
        });
        if (result.stored) isR2Stored = true;
        else warning = { code: "image_not_stored", message: result.reason };
      }
      const share: ShareData = {
        id,
        generatedUrl: input.generatedUrl,
        originalUrl: input.originalUrl,
        prompt: input.prompt,
        style: input.style,
        timestamp,
        createdAt: new Date(timestamp).toISOString(),
        isR2Stored,
      };
      const durability = await c.get("createGuard").save(share, warning);
      return shareAnswer(c, share, durability, warning);
    },
  )
  .get("/api/share/:id", async (c) => {
    const id = c.req.param("id");
    assertShareId(id, isShareId);
    const share = await c.get("store").get(id);
    if (!share) throw notFound(`No share with id ${id}`);
    // A share only this isolate holds says so: the way a 202's client confirms durability.
    if (c.get("store").isPending(id)) return c.json({ ...share, durability: "pending" });
    return c.json(share);
  })
  .get("/api/shares", async (c) => {
    const { limit, cursor } = parseListQuery(c.req.queries());
    return c.json(await c.get("store").list(limit, cursor));
  })
  .delete("/api/share/:id", requireAdmin, async (c) => {
    const id = c.req.param("id");
    assertShareId(id, isShareId);
    const deleted = await c.get("store").delete(id);
    // The record decides: /images/:id serves no image whose share is gone, so an image R2 could
    // not delete (or a crash cut off) is never seen again; the bucket's lifecycle rule removes it.
    // Tried for an unknown id too: a retry clears an image an earlier delete left behind.
    try {
      await c.env.SHARE_IMAGES?.delete(imageKey(id));
    } catch (error) {
      logEvent("image_not_deleted", {
        id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    if (!deleted) throw notFound(`No share with id ${id}`);
    return c.body(null, 204);
  });
