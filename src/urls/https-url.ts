/**
 * @module urls/https-url
 * The one rule for the URLs a share carries: an absolute https URL without credentials, stored and
 * rendered as the WHATWG-normalised `new URL(x).href`. Browsers resolve what `new URL` resolves, so
 * `https:evil.example/x` or `https:\\evil.example\x` become `https://evil.example/x` here instead of
 * a relative link on the share page.
 */

/** Longest URL a share may carry, in characters of its normalised form. */
export const MAX_URL_LENGTH = 2048;

export type HttpsUrlCheck = { ok: true; href: string } | { ok: false; reason: string };

/**
 * Normalise `input` or say why it is not a share URL.
 * @example normaliseHttpsUrl("https:\\\\cdn.example\\a.png") // { ok: true, href: "https://cdn.example/a.png" }
 */
export function normaliseHttpsUrl(input: string): HttpsUrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: "must be an https: URL" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must be an https: URL" };
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "must not contain a user name or password" };
  }
  if (url.href.length > MAX_URL_LENGTH) {
    return { ok: false, reason: `must be at most ${MAX_URL_LENGTH} characters once normalised` };
  }
  return { ok: true, href: url.href };
}

/** The normalised URL, or undefined when it is not a share URL (records not written by the API). */
export function safeHttpsUrl(input: string): string | undefined {
  const checked = normaliseHttpsUrl(input);
  return checked.ok ? checked.href : undefined;
}
