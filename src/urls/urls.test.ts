import { describe, expect, it } from "vitest";
import { isIpLiteral, isLocalName, isLoopbackHost } from "../../lib/host-names.js";
import { MAX_URL_LENGTH, normaliseHttpsUrl } from "./https-url.js";
import { outboundUrlProblem } from "./outbound-url.js";
import { canonicalOrigin, parsePublicOrigin } from "./public-origin.js";

describe("normaliseHttpsUrl", () => {
  it("stores what a browser resolves, not what was typed", () => {
    expect(normaliseHttpsUrl("https:evil.example/x.png")).toEqual({
      ok: true,
      href: "https://evil.example/x.png",
    });
    expect(normaliseHttpsUrl("https:\\\\evil.example\\o")).toEqual({
      ok: true,
      href: "https://evil.example/o",
    });
    expect(normaliseHttpsUrl(" HTTPS://CDN.Example/a b.png ")).toEqual({
      ok: true,
      href: "https://cdn.example/a%20b.png",
    });
  });

  it("refuses other schemes and credentials, saying why", () => {
    expect(normaliseHttpsUrl("http://cdn.example/a.png")).toEqual({
      ok: false,
      reason: "must be an https: URL",
    });
    expect(normaliseHttpsUrl("https://user:pw@cdn.example/a.png")).toEqual({
      ok: false,
      reason: "must not contain a user name or password",
    });
    expect(normaliseHttpsUrl("https://@cdn.example/").ok).toBe(true);
    expect(normaliseHttpsUrl("https://:pw@cdn.example/").ok).toBe(false);
  });

  it("refuses text that is no URL, and a URL that outgrows the limit once normalised", () => {
    expect(normaliseHttpsUrl("cdn.example/a.png")).toEqual({
      ok: false,
      reason: "must be an https: URL",
    });
    // 1 000 spaces become 3 000 characters of %20: short as typed, too long as stored.
    const spaced = `https://cdn.example/${" ".repeat(1000)}.png`;
    expect(spaced.length).toBeLessThan(MAX_URL_LENGTH);
    expect(normaliseHttpsUrl(spaced)).toEqual({
      ok: false,
      reason: `must be at most ${MAX_URL_LENGTH} characters once normalised`,
    });
    const longest = `https://cdn.example/${"a".repeat(MAX_URL_LENGTH - 20)}`;
    expect(longest).toHaveLength(MAX_URL_LENGTH);
    expect(normaliseHttpsUrl(longest)).toEqual({ ok: true, href: longest });
  });
});

describe("host names", () => {
  it("tells IP literals, loopback and local names from public names", () => {
    for (const ip of ["127.0.0.1", "10.0.0.1", "[::1]", "[fe80::1]", "169.254.169.254"]) {
      expect(isIpLiteral(ip), ip).toBe(true);
    }
    for (const name of ["localhost", "LOCALHOST.", "app.localhost", "127.9.9.9", "[::1]", "::1"]) {
      expect(isLoopbackHost(name), name).toBe(true);
    }
    for (const name of ["intranet", "printer.local", "metadata.google.internal", "nas.home.arpa"]) {
      expect(isLocalName(name), name).toBe(true);
    }
    for (const name of ["cdn.example.com", "localhost.example.com", "1.2.3.4.nip.io.example"]) {
      expect(isLoopbackHost(name) || isLocalName(name) || isIpLiteral(name), name).toBe(false);
    }
  });
});

describe("outboundUrlProblem", () => {
  it("lets public https names through and names the problem with anything else", () => {
    expect(outboundUrlProblem("https://cdn.example.com/a.png")).toBeUndefined();
    expect(outboundUrlProblem("https://cdn.example.com:443/a.png")).toBeUndefined();
    const cases: [string, RegExp][] = [
      ["https://0x7f.1/a.png", /127\.0\.0\.1 is an IP address/],
      ["https://2130706433/", /127\.0\.0\.1 is an IP address/],
      ["https://[::ffff:7f00:1]/", /is an IP address/],
      ["https://localhost./", /localhost\. is a local host name/],
      ["https://cdn.example.com:8443/", /port 8443/],
      ["http://cdn.example.com/", /only https/],
      ["https://u:p@cdn.example.com/", /user name or password/],
      ["https://u@cdn.example.com/", /user name or password/],
      ["https://:p@cdn.example.com/", /user name or password/],
      ["not a url", /not a URL/],
    ];
    for (const [url, problem] of cases) expect(outboundUrlProblem(url), url).toMatch(problem);
  });
});

describe("canonical origin", () => {
  it("validates PUBLIC_ORIGIN down to scheme, host and port", () => {
    expect(parsePublicOrigin("https://share.example.com/")).toEqual({
      ok: true,
      origin: "https://share.example.com",
    });
    expect(parsePublicOrigin("http://127.0.0.1:8787")).toEqual({
      ok: true,
      origin: "http://127.0.0.1:8787",
    });
    expect(parsePublicOrigin("share.example.com")).toEqual({
      ok: false,
      reason: "must be an origin such as https://share.example.com",
    });
    expect(parsePublicOrigin("ftp://x.example")).toEqual({
      ok: false,
      reason: "must start with https:// (or http:// for local runs)",
    });
    for (const bad of [
      "https://x.example/app",
      "https://x.example/?a",
      "https://x.example/#a",
      "https://u@x.example",
      "https://:p@x.example",
    ]) {
      expect(parsePublicOrigin(bad), bad).toEqual({
        ok: false,
        reason: "must be only scheme, host and port, e.g. https://share.example.com",
      });
    }
  });

  it("uses the configured origin, else a loopback request's, never another Host", () => {
    expect(canonicalOrigin("https://share.example.com", "https://evil.example/s/1")).toBe(
      "https://share.example.com",
    );
    expect(canonicalOrigin(undefined, "http://127.0.0.1:8787/s/1")).toBe("http://127.0.0.1:8787");
    expect(canonicalOrigin(undefined, "http://localhost/s/1")).toBe("http://localhost");
    expect(canonicalOrigin(undefined, "https://evil.example/s/1")).toBeUndefined();
  });
});
