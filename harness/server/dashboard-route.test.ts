import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Harness } from "../types.js";
import { createDashboardRoute, DASHBOARD_DIR } from "./dashboard-route.js";

/** Only what the route touches: the Worker reads go to `harness.fetch`. */
const fetched: { url: string; isolate: number | undefined }[] = [];
const fakeHarness = {
  options: { isolates: 2, profile: "miniflare", plugin: {} },
  async fetch(input: string, _init?: RequestInit, isolate?: number) {
    fetched.push({ url: input, isolate });
    return Response.json({ from: "worker" }, { status: 503 });
  },
} as unknown as Harness;

const app = createDashboardRoute(fakeHarness);

describe("GET /__harness/", () => {
  it("serves the dashboard page with a CSP that allows only its own scripts and this server", async () => {
    const res = await app.request("/__harness/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(await res.text()).toContain("<title>KV harness dashboard</title>");
    const bare = await app.request("/__harness");
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/__harness/");
  });

  it("serves every file the page and its modules load, so it runs without a build step", async () => {
    const html = await readFile(join(DASHBOARD_DIR, "index.html"), "utf8");
    const wanted = new Set(
      [...html.matchAll(/(?:src|href)="\/__harness\/ui\/([^"]+)"/g)].map((m) => m[1]!),
    );
    for (const name of await readdir(DASHBOARD_DIR)) {
      if (!name.endsWith(".js")) continue;
      const source = await readFile(join(DASHBOARD_DIR, name), "utf8");
      for (const m of source.matchAll(/from "\.\/([^"]+)"/g)) wanted.add(m[1]!);
    }
    expect(wanted).toContain("app.js");
    expect(wanted).toContain("dashboard.css");
    for (const name of wanted) {
      const res = await app.request(`/__harness/ui/${name}`);
      expect(res.status, name).toBe(200);
      const type = res.headers.get("content-type");
      if (name.endsWith(".js")) expect(type, name).toBe("text/javascript; charset=utf-8");
      if (name.endsWith(".css")) expect(type, name).toBe("text/css; charset=utf-8");
    }
  });

  it("never serves sources, tests or anything outside the dashboard folder", async () => {
    for (const path of [
      "/__harness/ui/dashboard.browser.test.ts",
      "/__harness/ui/format.d.ts",
      "/__harness/ui/..%2Fserver%2Fdev-server.ts",
      "/__harness/ui/.env",
      "/__harness/ui/missing.js",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "asset_not_found" } });
    }
  });

  it("answers the page's Worker reads in-process, on the isolate it names, and nothing else", async () => {
    const res = await app.request("/__harness/ui/api/shares?limit=12&cursor=abc", {
      headers: { "x-harness-isolate": "1" },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ from: "worker" });
    expect(res.headers.get("x-harness-isolate")).toBe("1");
    await app.request("/__harness/ui/api/monitoring");
    expect(fetched).toEqual([
      { url: "/api/shares?limit=12&cursor=abc", isolate: 1 },
      { url: "/api/monitoring", isolate: 0 },
    ]);
    await app.request("/__harness/ui/images/7YBQ%20X");
    expect(fetched[2]).toEqual({ url: "/images/7YBQ%20X", isolate: 0 });
    expect((await app.request("/__harness/ui/api/share")).status).toBe(404);
    expect(fetched).toHaveLength(3);
  });
});
