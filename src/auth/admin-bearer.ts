/**
 * @module auth/admin-bearer
 * Admin access: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * `requireAdmin` guards DELETE with `hono/bearer-auth`, its refusals answered through the one
 * error model (401 `unauthorized` with `WWW-Authenticate`, 403 `admin_disabled` without a token).
 * Monitoring answers everyone and refreshes its KV-derived totals only for the admin: a missing or
 * wrong token is no error there, and bearer-auth can only refuse, so it asks `hasAdminBearer`.
 */
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env.js";
import { AppError } from "../errors.js";

const SCHEME = "Bearer ";

/** False when no token is configured, the header is missing or malformed, or the token differs. */
export async function hasAdminBearer(
  authorization: string | undefined,
  token: string | undefined,
): Promise<boolean> {
  if (!token || !authorization?.startsWith(SCHEME)) return false;
  const given = authorization.slice(SCHEME.length);
  return timingSafeEqual(given, token);
}

function refuse(): never {
  throw new AppError(401, "unauthorized", "A valid admin bearer token is required", {
    headers: { "WWW-Authenticate": 'Bearer realm="admin"' },
  });
}

const adminBearer = bearerAuth<AppEnv>({
  // bearer-auth reads the scheme in any case and skips spaces; the API takes exactly
  // `Bearer <token>`, so the header as sent is what is compared.
  verifyToken: (_token, c) =>
    hasAdminBearer(c.req.header("authorization"), c.get("config").adminToken),
  noAuthenticationHeader: { message: refuse },
  invalidAuthenticationHeader: { message: refuse },
  invalidToken: { message: refuse },
});

/** Lets the request through only with the admin bearer token; 403 when none is configured. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("config").adminToken) {
    throw new AppError(
      403,
      "admin_disabled",
      "Deleting is disabled: set the ADMIN_TOKEN secret (wrangler secret put ADMIN_TOKEN, or .dev.vars locally)",
    );
  }
  return adminBearer(c, next);
};
