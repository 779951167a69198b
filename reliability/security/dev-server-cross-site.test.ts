/**
 * A web page the developer visits tries to drive the dev server's control API: simple
 * (`text/plain`, form) POSTs from another Origin, a DNS-rebinding Host, and `..` paths that would
 * climb from `/api` into `/__harness`. Each is refused with the error shape and changes nothing;
 * the dev server's own page, curl and tests still work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../../harness/share/index.js";
import { startDevServer, type DevServer } from "../../harness/server/dev-server.js";
import type { Harness } from "../../harness/types.js";
import { errorCodeOf } from "../support/error-shape.js";
import { rawRequest, type RawAnswer } from "./raw-http.js";

let harness: Harness;
let server: DevServer;
const EVIL = "https://evil.example";

beforeAll(async () => {
  harness = await createShareHarness({ persistTo: "temp" });
  server = await startDevServer({ harness, port: 0, allowedHosts: ["devbox.test"] });
});
afterAll(async () => {
  await server?.close();
  await harness?.dispose();
});

const send = (init: Parameters<typeof rawRequest>[1]) => rawRequest(server.port, init);
const own = () => `http://127.0.0.1:${server.port}`;

function expectRefused(res: RawAnswer, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(errorCodeOf(res.json())).toBe(code);
  expect(res.text).not.toMatch(/\n\s+at /);
  // The refusal may echo what was sent (a Host, a path): it is never sniffed into HTML.
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
}

describe("cross-site requests to mutating control routes", () => {
  it("a text/plain POST from evil.example does not move the virtual clock", async () => {
    const before = harness.clock.now();
    const res = await send({
      method: "POST",
      path: "/__harness/clock/advance",
      headers: { origin: EVIL, "content-type": "text/plain" },
      body: JSON.stringify({ ms: 40 * 24 * 3600 * 1000 }),
    });
    expectRefused(res, 403, "cross_origin_refused");
    expect(harness.clock.now() - before).toBeLessThan(60_000);
  });

  it("a form POST installs no fault rule and a cross-site restart restarts nothing", async () => {
    const restarts = (await harness.state()).restarts;
    const fromEvil = (path: string, type: string, body: string) =>
      send({ method: "POST", path, headers: { origin: EVIL, "content-type": type }, body });
    const form = "application/x-www-form-urlencoded";
    const rule = await fromEvil("/__harness/faults", form, "op=any&kind=error&status=503");
    expectRefused(rule, 403, "cross_origin_refused");
    const restart = await fromEvil("/__harness/restart", "application/json", "{}");
    expectRefused(restart, 403, "cross_origin_refused");
    expect(await harness.faults.list()).toEqual([]);
    expect((await harness.state()).restarts).toBe(restarts);
  });

  it("needs JSON even without an Origin (a no-cors or form request that sends none)", async () => {
    const res = await send({
      method: "DELETE",
      path: "/__harness/kv",
      headers: { "content-type": "text/plain" },
    });
    expectRefused(res, 415, "unsupported_media_type");
    const refusedSite = await send({
      method: "POST",
      path: "/__harness/clock/advance",
      headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ ms: 1 }),
    });
    expectRefused(refusedSite, 403, "cross_origin_refused");
  });

  it("still takes changes from its own page, and from curl or a test without an Origin", async () => {
    const before = harness.clock.now();
    const fromPage = await send({
      method: "POST",
      path: "/__harness/clock/advance",
      headers: {
        origin: own(),
        "content-type": "application/json",
        "sec-fetch-site": "same-origin",
      },
      body: JSON.stringify({ ms: 1000 }),
    });
    expect(fromPage.status, fromPage.text).toBe(200);
    const fromCurl = await send({
      method: "POST",
      path: "/__harness/clock/advance",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: 1000 }),
    });
    expect(fromCurl.status, fromCurl.text).toBe(200);
    expect(harness.clock.now() - before).toBeGreaterThanOrEqual(2000);
  });
});

describe("the dev server's own answers", () => {
  it("carry nosniff: the control API, the dashboard, and an unknown KV key's 404", async () => {
    for (const path of ["/__harness/state", "/__harness/", "/__harness/kv/%3Cscript%3E"]) {
      const res = await send({ path });
      expect(res.headers["x-content-type-options"], path).toBe("nosniff");
    }
  });
});

describe("DNS rebinding", () => {
  it("answers no request whose Host is not the dev server's, control API or Worker", async () => {
    for (const path of ["/__harness/state", "/__harness/", "/api/shares", "/healthz"]) {
      const res = await send({ path, headers: { host: `evil.example:${server.port}` } });
      expectRefused(res, 403, "host_not_allowed");
      expect(res.text).not.toContain('"clock"');
    }
  });

  it("refuses an absolute-form request target naming another host, and names that host", async () => {
    const res = await send({ path: `http://evil.example:${server.port}/__harness/state` });
    expectRefused(res, 403, "host_not_allowed");
    expect((res.json() as { error: { message: string } }).error.message).toMatch(
      /^Host "evil\.example:\d+" is not this dev server's/,
    );
  });

  it("refuses names that only look local: a loopback name or address as a label of another", async () => {
    for (const name of [
      "localhost.evil.example",
      "127.0.0.1.nip.io",
      "devbox.test.evil.example",
      "evil-localhost",
      "0.0.0.0",
    ]) {
      const res = await send({
        path: "/__harness/state",
        headers: { host: `${name}:${server.port}` },
      });
      expectRefused(res, 403, "host_not_allowed");
    }
  });

  it("answers loopback names and the names it was told to allow", async () => {
    for (const host of [
      `localhost:${server.port}`,
      `[::1]:${server.port}`,
      `devbox.test:${server.port}`,
    ]) {
      const res = await send({ path: "/__harness/state", headers: { host } });
      expect(res.status, `${host}: ${res.text}`).toBe(200);
    }
  });
});

describe("paths that climb from /api into /__harness", () => {
  it.each([
    "/api/share/%2e%2e/%2e%2e/__harness/state",
    "/api/share/../../__harness/state",
    "/api/share/.%2E/%2e./__harness/state",
    "/api/share/..%5c..%5c__harness/state",
  ])("%s is refused before routing", async (path) => {
    const res = await send({ path });
    expectRefused(res, 400, "invalid_path");
    expect(res.text).not.toContain('"clock"');
    const write = await send({
      method: "POST",
      path: path.replace("state", "clock/advance"),
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: 1 }),
    });
    expectRefused(write, 400, "invalid_path");
  });

  it("a raw backslash path never reaches the control API either", async () => {
    const res = await send({ path: "/api/share/..\\..\\__harness/state" });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('"clock"');
  });
});
