import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../types";
import { createDevApp, type DevServer, isLoopbackHost, startDevServer } from "./dev-server";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  isolate: number | undefined;
}

/** Only what the proxy touches; the control API against a real harness is control-api.test.ts. */
function recordingHarness(respond: (seen: Seen) => Response): { harness: Harness; seen: Seen[] } {
  const seen: Seen[] = [];
  const harness = {
    options: { backend: "kv", isolates: 2, profile: "miniflare" },
    async fetch(input: string | Request, init?: RequestInit, isolate?: number) {
      const request = new Request(input, init);
      const entry: Seen = {
        url: request.url,
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
        isolate,
      };
      seen.push(entry);
      return respond(entry);
    },
  } as unknown as Harness;
  return { harness, seen };
}

describe("createDevApp", () => {
  it("forwards method, path, query, headers and body, without the routing header", async () => {
    const { harness, seen } = recordingHarness(() => Response.json({ ok: true }, { status: 201 }));
    const app = createDevApp(harness);
    const res = await app.request("http://127.0.0.1:8787/api/share?x=1", {
      method: "POST",
      headers: { "content-type": "application/json", "x-harness-isolate": "1", "x-trace": "t" },
      body: JSON.stringify({ prompt: "a cat" }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("x-harness-isolate")).toBe("1");
    expect(seen).toEqual([
      {
        url: "http://127.0.0.1:8787/api/share?x=1",
        method: "POST",
        headers: expect.objectContaining({ "content-type": "application/json", "x-trace": "t" }),
        body: '{"prompt":"a cat"}',
        isolate: 1,
      },
    ]);
    expect(seen[0]!.headers).not.toHaveProperty("x-harness-isolate");
  });

  it("passes bodiless answers (204) and redirects through untouched", async () => {
    const { harness } = recordingHarness((s) =>
      s.url.endsWith("/gone")
        ? new Response(null, { status: 204 })
        : new Response(null, { status: 302, headers: { location: "/elsewhere" } }),
    );
    const app = createDevApp(harness);
    const gone = await app.request("/gone", { method: "DELETE" });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe("");
    const moved = await app.request("/old");
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("/elsewhere");
  });

  it("sends requests without the header to isolate 0, or in turn with round-robin", async () => {
    const first = recordingHarness(() => new Response("ok"));
    const app = createDevApp(first.harness);
    await app.request("/a");
    await app.request("/b");
    expect(first.seen.map((s) => s.isolate)).toEqual([0, 0]);

    const spread = recordingHarness(() => new Response("ok"));
    const rr = createDevApp(spread.harness, "round-robin");
    for (const p of ["/a", "/b", "/c"]) await rr.request(p);
    expect(spread.seen.map((s) => s.isolate)).toEqual([0, 1, 0]);
  });

  it("answers 400 for an isolate out of range without reaching the Worker", async () => {
    const { harness, seen } = recordingHarness(() => new Response("ok"));
    const res = await createDevApp(harness).request("/healthz", {
      headers: { "x-harness-isolate": "5" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_isolate",
        message: 'x-harness-isolate: "5" is not an isolate; the harness runs isolates 0..1',
      },
    });
    expect(seen).toEqual([]);
  });

  it("serves the dashboard page at /__harness/ and keeps /__harness/* away from the Worker", async () => {
    const { harness, seen } = recordingHarness(() => new Response("worker"));
    const app = createDevApp(harness);
    const page = await app.request("/__harness/");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<a href="/__harness/state">');
    expect((await app.request("/__harness")).headers.get("location")).toBe("/__harness/");
    expect((await app.request("/__harness/nope")).status).toBe(404);
    expect(seen).toEqual([]);
  });
});

describe("startDevServer", () => {
  let server: DevServer;
  const { harness } = recordingHarness((s) => Response.json({ path: new URL(s.url).pathname }));

  beforeAll(async () => {
    server = await startDevServer({ harness, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("listens on 127.0.0.1 by default and proxies over real HTTP", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ path: "/healthz" });
  });

  it("fails with EADDRINUSE when the port is taken", async () => {
    await expect(startDevServer({ harness, port: server.port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["0.0.0.0", false],
    ["192.168.1.10", false],
    ["::", false],
  ])("%s → %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
