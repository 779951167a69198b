import { describe, expect, it } from "vitest";
import { sampleShare } from "../../fixtures/factories/sample-share.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { renderSharePage } from "./share-page.js";

const unit = useUnitWorker();

describe("GET /s/:id", () => {
  it("renders the share with escaped strings, OG/Twitter tags and a strict CSP", async () => {
    const env = unit.env("memory");
    const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const { id } = (await (await unit.postShare(env, { ...validBody(), prompt: evil })).json()) as {
      id: string;
    };
    const res = await unit.request(env, `/s/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain(
      '<meta property="og:image" content="https://img.example.com/gen/1.png" />',
    );
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image" />');
    expect(html).toContain('<img src="https://img.example.com/gen/1.png"');
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(csp).toBe(
      `default-src 'none'; img-src 'self' https:; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBeTruthy();
  });

  it("answers a real HTML 404 for unknown and malformed ids", async () => {
    const env = unit.env("memory");
    for (const id of ["unknown123", "bad%20id"]) {
      const res = await unit.request(env, `/s/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("Share not found");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });
});

/** What a reader sees: the page's text outside its style sheet, whitespace collapsed. */
async function textOf(page: ReturnType<typeof renderSharePage>): Promise<string> {
  return String(await page)
    .replace(/<style[^>]*>[\s\S]*?<\/style>/, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("the share page without absolute links", () => {
  it("shows only the title, the prompt and the style", async () => {
    for (const over of [
      { isR2Stored: true, originalUrl: "http://img.example/o.png" },
      { generatedUrl: "javascript:alert(1)", originalUrl: "javascript:alert(1)" },
    ]) {
      const page = renderSharePage(sampleShare(over), undefined, "n0nce");
      expect(await textOf(page), JSON.stringify(over)).toBe(
        "AI image · watercolor a lighthouse Style: watercolor",
      );
      expect(String(await page)).not.toMatch(/og:image|og:url|twitter:image|Original image/);
    }
  });
});
