/**
 * @module images/fetch-image
 * The image copy's outbound request: redirects are followed by hand, at most MAX_IMAGE_REDIRECTS,
 * and every hop's URL must pass `outboundUrlProblem` before it is requested. Never throws for a
 * refused URL: it returns the reason, which ends up in the `image_not_stored` warning.
 */
import { outboundUrlProblem } from "../urls/outbound-url.js";

export const MAX_IMAGE_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What the copy accepts; servers that negotiate get a raster format. */
const ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9";

export type FetchImageResult = { ok: true; response: Response } | { ok: false; reason: string };

/**
 * GET `url`, following checked redirects. `signal` bounds the whole chain (and the body read).
 * @example const got = await fetchImage("https://cdn.example/a.png", fetch, AbortSignal.timeout(5000));
 */
export async function fetchImage(
  url: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal,
): Promise<FetchImageResult> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const problem = outboundUrlProblem(current);
    if (problem) {
      return {
        ok: false,
        reason:
          redirects === 0
            ? `The image URL was not fetched: ${problem}`
            : `The image redirected to ${withoutCredentials(current)}, which was not fetched: ${problem}`,
      };
    }
    const response = await fetchImpl(current, {
      redirect: "manual",
      signal,
      headers: { accept: ACCEPT },
    });
    if (!REDIRECT_STATUSES.has(response.status)) return { ok: true, response };
    await response.body?.cancel();
    const location = response.headers.get("location");
    if (redirects >= MAX_IMAGE_REDIRECTS) {
      return {
        ok: false,
        reason: `The image URL redirected more than ${MAX_IMAGE_REDIRECTS} times; not followed`,
      };
    }
    if (!location) {
      return { ok: false, reason: `The image URL answered ${response.status} without a Location` };
    }
    try {
      current = new URL(location, current).href;
    } catch {
      return { ok: false, reason: "The image URL redirected to something that is not a URL" };
    }
  }
}

/** The hop as the creator is told of it: a user name or password in a Location is not repeated. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href;
}
