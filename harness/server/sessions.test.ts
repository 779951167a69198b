import { existsSync } from "node:fs";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../share/index.js";
import type { Harness, HarnessState } from "../types.js";
import { createDevApp } from "./dev-server.js";
import type { SessionInfo } from "./sessions.js";
import { closeSessions } from "./sessions.js";

let harness: Harness;
let app: Hono;

const SHARE = {
  generatedUrl: "https://images.example.com/g.png",
  originalUrl: "https://images.example.com/o.png",
  prompt: "a lighthouse at dusk",
  style: "watercolor",
};

async function call<T>(method: string, path: string, body?: unknown) {
  const res = await app.request(`http://127.0.0.1:8787${path}`, {
    method,
    // The dev server takes control-API changes only as JSON, body or not.
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

beforeAll(async () => {
  harness = await createShareHarness({ persistTo: "temp", vars: { ADMIN_TOKEN: "developer" } });
  app = createDevApp(harness);
});

afterAll(async () => {
  await closeSessions(harness);
  await harness?.dispose();
});

describe("/__harness/sessions", () => {
  it("gives a run its own store, clock, rules and restarts, and leaves the developer's as they were", async () => {
    const mine = await call<{ id: string }>("POST", "/api/share", SHARE);
    expect(mine.status).toBe(201);
    const before = (await call<HarnessState>("GET", "/__harness/state")).body;

    const opened = await call<SessionInfo>("POST", "/__harness/sessions", {
      isolates: 2,
      vars: { ADMIN_TOKEN: "run" },
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ backend: "kv", isolates: 2, profile: "miniflare" });
    const base = opened.body.base;
    expect(base).toBe(`/__harness/sessions/${opened.body.id}`);

    // The session starts empty and sees none of the developer's data.
    expect((await call<{ shares: unknown[] }>("GET", `${base}/api/shares`)).body.shares).toEqual(
      [],
    );
    const theirs = await call<{ id: string }>("POST", `${base}/api/share`, SHARE);
    expect(theirs.status).toBe(201);
    const viaIsolate1 = await app.request(
      `http://127.0.0.1:8787${base}/api/share/${theirs.body.id}`,
      {
        headers: { "x-harness-isolate": "1" },
      },
    );
    expect(viaIsolate1.status).toBe(200);
    expect(viaIsolate1.headers.get("x-harness-isolate")).toBe("1");

    // Its control routes act on it alone.
    const state = (await call<HarnessState>("GET", `${base}/__harness/state`)).body;
    expect(state.isolates).toBe(2);
    expect(state.persistTo).not.toBe(before.persistTo);
    await call("POST", `${base}/__harness/faults`, { op: "any", kind: "error", status: 503 });
    await call("POST", `${base}/__harness/clock/advance`, { ms: 90 * 24 * 3600_000 });
    await call("POST", `${base}/__harness/restart`);
    expect((await call("GET", `${base}/api/share/${theirs.body.id}`)).status).toBe(503);

    const after = (await call<HarnessState>("GET", "/__harness/state")).body;
    expect(after.rules).toEqual(before.rules);
    expect(after.restarts).toBe(before.restarts);
    expect(after.clock - before.clock).toBeLessThan(3600_000);
    const listed = await call<{ shares: { id: string }[] }>("GET", "/api/shares");
    expect(listed.body.shares.map((s) => s.id)).toEqual([mine.body.id]);

    const closed = await call("DELETE", base);
    expect(closed).toMatchObject({ status: 200, body: { closed: opened.body.id } });
    expect(existsSync(state.persistTo)).toBe(false);
    const gone = await call<{ error: { code: string } }>("GET", `${base}/api/shares`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe("session_not_found");
    expect((await call<{ sessions: SessionInfo[] }>("GET", "/__harness/sessions")).body).toEqual({
      sessions: [],
    });
  });

  it.each([
    ["an unknown field", { isolate: 2 }, "isolate"],
    ["zero isolates", { isolates: 0 }, "isolates"],
    ["a var that is not a string", { vars: { ADMIN_TOKEN: 1 } }, "vars.ADMIN_TOKEN"],
    ["an unknown backend", { backend: "d1" }, "backend"],
  ])("refuses %s with a 400 naming the field", async (_name, body, field) => {
    const res = await call<{ error: { code: string; message: string } }>(
      "POST",
      "/__harness/sessions",
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.message).toContain(field);
  });

  it("does not nest: a session has no sessions of its own", async () => {
    const { body } = await call<SessionInfo>("POST", "/__harness/sessions", {});
    const nested = await call<{ error: { code: string; message: string } }>(
      "POST",
      `${body.base}/__harness/sessions`,
      {},
    );
    expect(nested.status).toBe(404);
    expect(nested.body.error.code).toBe("route_not_found");
    // The routes it lists are the session's, named as a client of the session calls them.
    const { message } = nested.body.error;
    expect(message).toContain(`No control route POST ${body.base}/__harness/sessions`);
    expect(message).toContain(`GET ${body.base}/__harness/state`);
    expect(message).toContain(`GET ${body.base}/__harness/openapi.json`);
    expect(message).not.toMatch(/ \/__harness\/state/);
    await call("DELETE", body.base);
  });

  it("drops a session nobody used for its idle timeout, and its store with it", async () => {
    const { body } = await call<SessionInfo>("POST", "/__harness/sessions", {
      idleTimeoutMs: 1000,
    });
    const state = (await call<HarnessState>("GET", `${body.base}/__harness/state`)).body;
    for (let i = 0; i < 200; i++) {
      const { sessions } = (await call<{ sessions: SessionInfo[] }>("GET", "/__harness/sessions"))
        .body;
      if (sessions.length === 0 && !existsSync(state.persistTo)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await call("GET", body.base)).status).toBe(404);
    expect(existsSync(state.persistTo)).toBe(false);
  });
});
