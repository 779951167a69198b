/**
 * @module rate-limit/limit-creates
 * POST /api/share is limited per client with Cloudflare's Rate Limiting binding
 * (`SHARE_CREATE_LIMITER`, wrangler.jsonc `ratelimits`; Miniflare emulates it locally). Runs after
 * validation, so only creates that would store something count. Over the limit: 429 `rate_limited`
 * with Retry-After; nothing is written.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { AppError } from "../errors.js";
import { logEvent } from "../log.js";
import { CLIENT_IP_HEADER, clientKey } from "./client-key.js";

/**
 * Seconds a limited client is told to wait: the longest period the binding supports (10 or 60 s),
 * so the window it was counted in has always passed by then.
 */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export const limitCreates: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limiter = c.env.SHARE_CREATE_LIMITER;
  if (limiter) {
    const key = `create:${clientKey(c.req.header(CLIENT_IP_HEADER))}`;
    let allowed = true;
    try {
      ({ success: allowed } = await limiter.limit({ key }));
    } catch (error) {
      // The limiter is protection, not storage: when it fails, creates go on (and it is logged).
      logEvent("rate_limit_failed", { message: error instanceof Error ? error.message : "" });
    }
    if (!allowed) {
      throw new AppError(
        429,
        "rate_limited",
        `Too many shares created from this address; try again in ${RATE_LIMIT_RETRY_AFTER_SECONDS} seconds`,
        { headers: { "Retry-After": String(RATE_LIMIT_RETRY_AFTER_SECONDS) } },
      );
    }
  }
  await next();
};
