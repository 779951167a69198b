/**
 * @module auth/admin-bearer
 * Whether a request carries `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * DELETE needs it; monitoring refreshes its KV-derived totals only for it.
 */
import { timingSafeEqual } from "hono/utils/buffer";

/** False when no token is configured, the header is missing or malformed, or the token differs. */
export async function hasAdminBearer(
  authorization: string | undefined,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  const header = authorization ?? "";
  const given = header.startsWith("Bearer ") ? header.slice(7) : "";
  return given !== "" && (await timingSafeEqual(given, token));
}
