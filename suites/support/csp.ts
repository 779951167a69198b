/**
 * @module suites/support/csp
 * What a browser would let a page load under its Content-Security-Policy header.
 */

/**
 * Whether a CSP lets the page at `pageOrigin` load `url` for `directive` (falling back to
 * default-src): 'self', scheme sources (`https:`) and host sources, as a browser matches them.
 */
export function cspAllows(
  csp: string,
  directive: string,
  url: string,
  pageOrigin: string,
): boolean {
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
  const sources = directives.get(directive) ?? directives.get("default-src") ?? ["*"];
  const target = new URL(url, pageOrigin);
  return sources.some((source) => {
    if (source === "'self'") return target.origin === new URL(pageOrigin).origin;
    if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return target.protocol === source.toLowerCase();
    if (source === "*") return /^https?:$/.test(target.protocol);
    if (source.startsWith("'")) return false;
    const host = source.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    return host.startsWith("*.")
      ? target.hostname.endsWith(host.slice(1))
      : target.host === host || target.hostname === host;
  });
}
