/**
 * @module urls/public-origin
 * The origin absolute links of this site are built from (og:url, og:image of an R2 copy): the
 * `PUBLIC_ORIGIN` var when set, else the request's own origin only when it is a loopback host
 * (wrangler dev, the harness). Never an arbitrary Host header: share pages are publicly cached.
 */
import { isLoopbackHost } from "../../lib/host-names.js";

export type PublicOriginCheck = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * Validate a `PUBLIC_ORIGIN` value: an http(s) origin, nothing after the host but an optional `/`.
 * @example parsePublicOrigin("https://share.example.com/") // { ok: true, origin: "https://share.example.com" }
 */
export function parsePublicOrigin(value: string): PublicOriginCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: "must be an origin such as https://share.example.com" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: "must start with https:// (or http:// for local runs)" };
  }
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) {
    return {
      ok: false,
      reason: "must be only scheme, host and port, e.g. https://share.example.com",
    };
  }
  return { ok: true, origin: url.origin };
}

/** The configured origin, the request's when it is a loopback host, or undefined. */
export function canonicalOrigin(
  publicOrigin: string | undefined,
  requestUrl: string,
): string | undefined {
  if (publicOrigin) return publicOrigin;
  const url = new URL(requestUrl);
  return isLoopbackHost(url.hostname) ? url.origin : undefined;
}
