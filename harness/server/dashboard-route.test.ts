import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharePlugin } from "../share/plugin.js";
import type { Harness } from "../types.js";
import { createDashboardRoute, DASHBOARD_DIR } from "./dashboard-route.js";

/** Only what the route touches: the Worker reads go to `harness.fetch`. */
const fetched: { url: string; isolate: number | undefined }[] = [];
const fakeHarness = {
  options: { isolates: 2, profile: "miniflare", plugin: {} },
  // The share Worker's plugin names the reads (and its panel's files).
  plugin: sharePlugin,
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
    // On the control API's origin a Worker answer must never run as a document.
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    await app.request("/__harness/ui/api/monitoring");
    expect(fetched).toEqual([
      { url: "/api/shares?limit=12&cursor=abc", isolate: 1 },
      { url: "/api/monitoring", isolate: 0 },
    ]);
    const thumbnail = await app.request("/__harness/ui/images/7YBQ%20X");
    expect(thumbnail.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(fetched[2]).toEqual({ url: "/images/7YBQ%20X", isolate: 0 });
    expect((await app.request("/__harness/ui/api/share")).status).toBe(404);
    expect(fetched).toHaveLength(3);
  });
});

describe("the Worker plugin's dashboard views", () => {
  it("serves the plugin's module and names it; a Worker without one gets the core page only", async () => {
    const named = await app.request("/__harness/ui/plugin");
    expect(await named.json()).toEqual({
      name: "share",
      entry: "/__harness/ui/plugin/shares-view.js",
    });
    const file = await app.request("/__harness/ui/plugin/shares-view.js");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await file.text()).toContain("export function mount(ctx, ui)");
    const styles = await app.request("/__harness/ui/plugin/share-views.css");
    expect(styles.status).toBe(200);
    expect(styles.headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const path of ["/__harness/ui/plugin/..%2Fplugin.ts", "/__harness/ui/plugin/plugin.ts"]) {
      expect((await app.request(path)).status, path).toBe(404);
    }

    const reads = fetched.length;
    const bare = createDashboardRoute({
      options: { isolates: 1, profile: "miniflare", plugin: {} },
      plugin: undefined,
      fetch: fakeHarness.fetch,
    } as unknown as Harness);
    expect(await (await bare.request("/__harness/ui/plugin")).json()).toEqual({
      name: null,
      entry: null,
    });
    for (const path of [
      "/__harness/ui/api/monitoring",
      "/__harness/ui/images/x",
      "/__harness/ui/plugin/shares-view.js",
    ]) {
      expect((await bare.request(path)).status, path).toBe(404);
    }
    expect(fetched).toHaveLength(reads);
    expect((await bare.request("/__harness/")).status).toBe(200);
  });
});
