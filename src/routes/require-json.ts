/**
 * @module routes/require-json
 * A JSON request body's media type: `application/json` in UTF-8. The body is always decoded as
 * UTF-8 (RFC 8259 allows no other encoding between systems), so a body declared in another
 * charset is refused rather than read as something its sender did not mean.
 */
import { parse } from "content-type";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { AppError } from "../errors.js";

/** `utf8` is the WHATWG Encoding label for UTF-8 besides `utf-8` itself. */
const UTF8_LABELS = new Set(["utf-8", "utf8"]);

/** 415 `unsupported_media_type` unless the request says `application/json` (UTF-8 or no charset). */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { type, parameters } = parse(c.req.header("content-type") ?? "");
  if (type !== "application/json") {
    throw new AppError(415, "unsupported_media_type", "Send the body as application/json");
  }
  const charset = parameters.charset?.toLowerCase();
  if (charset !== undefined && !UTF8_LABELS.has(charset)) {
    throw new AppError(
      415,
      "unsupported_media_type",
      `The body must be UTF-8 JSON; charset=${JSON.stringify(parameters.charset)} is not read`,
    );
  }
  await next();
};
