/**
 * @module harness/server/dev-outbound
 * The Worker's outbound fetch under `npm run dev`, which has no internet: an image request (a
 * GET or HEAD over https that asks for `image/*`, or whose path ends in an image extension) is
 * answered with the URL's placeholder PNG, so `storeImage: true` copies something into R2 and the
 * share page shows it; anything else is refused with a 502 whose body says why. Both are printed,
 * so nobody mistakes a placeholder for the real picture or a refusal for a broken image host.
 */
import { http, HttpResponse, type RequestHandler } from "msw";
import { PLACEHOLDER_CONTENT_TYPE, placeholderPng } from "./placeholder-image.js";

const IMAGE_PATH = /\.(png|jpe?g|gif|webp|avif|bmp|svg)$/i;

/** Marks the dev server's own answers, as the harness marks its unhandled ones. */
export const DEV_OUTBOUND_HEADER = "x-harness-dev-outbound";

/** The parts of an outbound request looked at (msw's and the Workers' `Request` types differ). */
export interface OutboundRequest {
  url: string;
  method: string;
  headers: Headers;
}

export interface DevOutboundLog {
  info(line: string): void;
  warn(line: string): void;
}

/** True for a request the dev server answers with a placeholder image. */
export function isImageRequest(request: OutboundRequest): boolean {
  const url = new URL(request.url);
  if (url.protocol !== "https:" || !["GET", "HEAD"].includes(request.method)) return false;
  return (
    (request.headers.get("accept") ?? "").toLowerCase().includes("image/") ||
    IMAGE_PATH.test(url.pathname)
  );
}

/** The body of a refused request: what happened and what to do instead. */
export function refusalText(request: OutboundRequest): string {
  return (
    `npm run dev has no internet access, so ${request.method} ${request.url} was not sent. ` +
    `Image URLs (https, asking for image/* or ending in .png, .jpg, ...) get a placeholder image; ` +
    `for anything else, give the harness msw handlers (createHarness({ handlers })).`
  );
}

/**
 * msw handlers for `createHarness({ handlers })` under `npm run dev`.
 * @example createHarness({ handlers: devOutboundHandlers(console) })
 */
export function devOutboundHandlers(log: DevOutboundLog): RequestHandler[] {
  return [
    http.all("*", ({ request }) => {
      if (!isImageRequest(request)) {
        log.warn(
          `[outbound] refused ${request.method} ${request.url}: the dev server has no internet.`,
        );
        return new HttpResponse(refusalText(request), {
          status: 502,
          headers: {
            "content-type": "text/plain; charset=utf-8",
            [DEV_OUTBOUND_HEADER]: "refused",
          },
        });
      }
      const png = placeholderPng(request.url);
      log.info(
        `[outbound] ${request.method} ${request.url}: answered with a generated placeholder PNG ` +
          `(${png.byteLength} bytes); the dev server has no internet.`,
      );
      return new HttpResponse(request.method === "HEAD" ? null : png, {
        status: 200,
        headers: {
          "content-type": PLACEHOLDER_CONTENT_TYPE,
          "content-length": String(png.byteLength),
          [DEV_OUTBOUND_HEADER]: "placeholder",
        },
      });
    }),
  ];
}
