/**
 * @module auth/admin-bearer
 * Whether a request carries `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * DELETE needs it; monitoring refreshes its KV-derived totals only for it.
 */
import { timingSafeEqual } from "hono/utils/buffer";

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
