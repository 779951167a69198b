import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../share/index.js";
import type { Harness } from "../types.js";
import { createDevApp, type DevServer, isLoopbackHost, startDevServer } from "./dev-server.js";

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
    options: { isolates: 2, profile: "miniflare", plugin: {} },
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

/** The raw status line and headers as sent on the wire (fetch would hide some of them). */
function rawHead(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("the dev server in front of a real harness, over HTTP", () => {
  let real: Harness;
  let server: DevServer;
  const json = { "content-type": "application/json" };

  beforeAll(async () => {
    real = await createShareHarness({
      persistTo: "temp",
      vars: { ADMIN_TOKEN: "t", KV_RETRY_MAX_ATTEMPTS: "1" },
    });
    server = await startDevServer({ harness: real, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await real?.dispose();
  });

  it("sends the Worker's headers only: no Miniflare header, no hop-by-hop header", async () => {
    const { status, headers } = await rawHead(`${server.url}/healthz`);
    expect(status).toBe(200);
    expect(Object.keys(headers).filter((name) => name.startsWith("mf-"))).toEqual([]);
    expect(headers["content-type"]).toBe("application/json");
    // One framing only: a length for the buffered body, never also chunked.
    expect(headers["transfer-encoding"]).toBeUndefined();
    expect(Number(headers["content-length"])).toBeGreaterThan(0);
  });

  it("answers a delete with a bare 204: no Content-Type, no body", async () => {
    const created = await fetch(`${server.url}/api/share`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        generatedUrl: "https://images.example.com/g.png",
        originalUrl: "https://images.example.com/o.png",
        prompt: "to be deleted",
        style: "ink",
      }),
    });
    const { id } = (await created.json()) as { id: string };
    const { status, headers } = await rawHead(`${server.url}/api/share/${id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer t" },
    });
    expect(status).toBe(204);
    expect(headers["content-type"]).toBeUndefined();
    expect(headers["content-length"]).toBeUndefined();
  });

  it("answers 405 with Allow for a share path with the wrong method", async () => {
    const res = await fetch(`${server.url}/api/share/7YBQ64NH8N2VPFVBH5`, { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, DELETE");
    expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("answers TRACE, which fetch cannot carry to the Worker, 405 with the methods it can", async () => {
    const { status, headers } = await rawHead(`${server.url}/api/shares`, { method: "TRACE" });
    expect(status).toBe(405);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  });

  it("answers CONNECT 405 with the methods it serves, rather than closing the connection", async () => {
    const answer = await new Promise<{ status: number; allow?: string; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(server.url, { method: "CONNECT", path: "example.com:443" });
        req.on("connect", (res, socket, head: Buffer) => {
          // What came with the status line and headers, then the rest of the socket.
          let body = head.toString();
          socket.on("data", (chunk: Buffer) => (body += chunk.toString()));
          socket.on("end", () =>
            resolve({ status: res.statusCode!, allow: res.headers.allow, body }),
          );
        });
        req.on("error", reject);
        req.end();
      },
    );
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("logs a failed list as a failed LIST, not as a failed GET", async () => {
    await real.faults.add({ op: "list", kind: "error", status: 503 });
    try {
      expect((await fetch(`${server.url}/api/shares`)).status).toBe(503);
    } finally {
      await real.faults.clear();
    }
    const listLines = real.logs.all().filter((line) => line.json?.op === "list");
    expect(listLines.at(-1)?.json).toMatchObject({
      outcome: "error",
      error: "KV LIST failed: 503 Service Temporarily Unavailable",
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
