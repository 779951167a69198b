/**
 * @module pages/share-page
 * The HTML share page and its 404 twin. Every user string goes through hono/html escaping; the one
 * inline style carries the per-request CSP nonce, and there is no script at all.
 */
import { html } from "hono/html";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ShareData } from "../shares/schema.js";
import { safeHttpsUrl } from "../urls/https-url.js";

const STYLE = `body{font-family:system-ui,sans-serif;margin:0 auto;max-width:48rem;padding:1rem;color:#222}
img{max-width:100%;height:auto;border-radius:.5rem}figcaption{margin-top:.5rem}.style{color:#666}`;

/**
 * The page's security headers, from `hono/secure-headers`: a CSP whose only allowance for inline
 * content is the per-request nonce on the one `<style>` (read it with
 * `c.get("secureHeadersNonce")`), no framing (nosniff is the app's, on every answer). Headers the
 * page did not send before are left off, so its answer is unchanged.
 */
export const pageSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    imgSrc: ["'self'", "https:"],
    styleSrc: [NONCE],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xContentTypeOptions: false,
  referrerPolicy: "strict-origin-when-cross-origin",
  xFrameOptions: "DENY",
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  removePoweredBy: false,
});

/**
 * The image's `src`: the R2 copy, or the normalised https URL. Records written by other code (the
 * guide's legacy data) are not validated, so a `javascript:` URL must never reach an href or src.
 */
export function imageSrc(share: ShareData): string | undefined {
  return share.isR2Stored ? `/images/${share.id}` : safeHttpsUrl(share.generatedUrl);
}

/**
 * `origin` is the canonical origin (`PUBLIC_ORIGIN`, see `urls/public-origin`); without one the
 * tags that need an absolute URL of this site (og:url, the R2 copy as og:image) are left out.
 */
export function renderSharePage(
  share: ShareData,
  origin: string | undefined,
  nonce: string,
): HtmlEscapedString | Promise<HtmlEscapedString> {
  const src = imageSrc(share);
  const absoluteImage = src?.startsWith("/") ? (origin ? origin + src : undefined) : src;
  const original = safeHttpsUrl(share.originalUrl);
  const title = `AI image · ${share.style}`;
  const pageUrl = origin ? `${origin}/s/${share.id}` : undefined;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <meta name="description" content="${share.prompt}" />
        <meta property="og:type" content="website" />
        <meta property="og:title" content="${title}" />
        <meta property="og:description" content="${share.prompt}" />
        ${absoluteImage ? html`<meta property="og:image" content="${absoluteImage}" />` : ""}
        ${pageUrl ? html`<meta property="og:url" content="${pageUrl}" />` : ""}
        <meta name="twitter:card" content="summary_large_image" />
        <meta name="twitter:title" content="${title}" />
        <meta name="twitter:description" content="${share.prompt}" />
        ${absoluteImage ? html`<meta name="twitter:image" content="${absoluteImage}" />` : ""}
        <style nonce="${nonce}">
          ${STYLE}
        </style>
      </head>
      <body>
        <main>
          <figure>
            ${src ? html`<img src="${src}" alt="${share.prompt}" />` : ""}
            <figcaption>
              <p class="prompt">${share.prompt}</p>
              <p class="style">Style: ${share.style}</p>
            </figcaption>
          </figure>
          ${
            original
              ? html`<p>
                  <a href="${original}" rel="noopener noreferrer nofollow">Original image</a>
                </p>`
              : ""
          }
        </main>
      </body>
    </html>`;
}

export function renderNotFoundPage(nonce: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Share not found</title>
        <style nonce="${nonce}">
          ${STYLE}
        </style>
      </head>
      <body>
        <main>
          <h1>Share not found</h1>
          <p>This share does not exist or has expired.</p>
        </main>
      </body>
    </html>`;
}
