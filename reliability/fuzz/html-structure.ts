/**
 * @module reliability/fuzz/html-structure
 * Checks a rendered page against the tags and attributes its template can produce. Escaped user
 * text contains no `<`, so any tag or attribute outside the allowlist means a user string broke
 * out; `href`/`src` must be https or a same-origin path.
 */

/** Tag → attributes the share and 404 templates use. */
export const PAGE_TAGS: Record<string, readonly string[]> = {
  html: ["lang"],
  head: [],
  meta: ["charset", "name", "content", "property"],
  title: [],
  style: ["nonce"],
  body: [],
  main: [],
  figure: [],
  img: ["src", "alt"],
  figcaption: [],
  p: ["class"],
  a: ["href", "rel"],
  h1: [],
};

const TAG = /<(\/?)([a-zA-Z][\w:-]*)([^>]*)>/g;
const ATTR = /([^\s=/"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

export interface HtmlProblem {
  tag: string;
  problem: string;
}

/** Problems in `html` (empty when every tag, attribute and URL is one the template makes). */
export function htmlProblems(html: string): HtmlProblem[] {
  const out: HtmlProblem[] = [];
  const body = html.replace(/^<!doctype html>/i, "");
  for (const [, closing, rawName, rest] of body.matchAll(TAG)) {
    const name = rawName!.toLowerCase();
    const allowed = PAGE_TAGS[name];
    if (!allowed) {
      out.push({ tag: name, problem: `unexpected <${closing}${name}>` });
      continue;
    }
    if (closing) continue;
    for (const [, rawAttr, rawValue] of rest!.replace(/\/\s*$/, "").matchAll(ATTR)) {
      const attr = rawAttr!.toLowerCase();
      if (!allowed.includes(attr)) {
        out.push({ tag: name, problem: `unexpected attribute ${attr} on <${name}>` });
        continue;
      }
      if (rawValue !== undefined && !rawValue.startsWith('"')) {
        out.push({ tag: name, problem: `unquoted ${attr} on <${name}>` });
      }
      const value = (rawValue ?? "").replace(/^"|"$/g, "");
      if ((attr === "href" || attr === "src") && !/^(https:\/\/|\/(?!\/))/i.test(value)) {
        out.push({
          tag: name,
          problem: `${attr}="${value.slice(0, 60)}" is neither https nor same-origin`,
        });
      }
      if (attr === "content" && /^\s*\d+\s*;\s*url=/i.test(value)) {
        out.push({ tag: name, problem: "meta refresh" });
      }
    }
  }
  // The only inline content allowed to hold markup-like text is our own style block.
  const styles = [...body.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]!);
  if (styles.some((css) => /url\(|expression\(|@import/i.test(css))) {
    out.push({ tag: "style", problem: "style block loads a URL" });
  }
  return out;
}
