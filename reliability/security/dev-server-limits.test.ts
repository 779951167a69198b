/**
 * The dev server bounds what one request can make it hold: a body past the control API's limit, or
 * past Cloudflare's on the way to the Worker, is refused from its Content-Length before it is read
 * (413), and a fault rule set past the limit of rules is refused (every KV and R2 call checks every
 * rule). Each leaves the state as it was and the server answering; bodies sent chunked, and
 * requests with no body at all, still go through.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FAULT_RULES } from "../../harness/node/fault-rule-schema.js";
import { CONTROL_BODY_LIMIT, WORKER_BODY_LIMIT } from "../../harness/server/request-guard.js";
import { createShareHarness } from "../../harness/share/index.js";
import { startDevServer, type DevServer } from "../../harness/server/dev-server.js";
import type { Harness } from "../../harness/types.js";
import { errorCodeOf } from "../support/error-shape.js";
import { rawRequest } from "./raw-http.js";

let harness: Harness;
let server: DevServer;

beforeAll(async () => {
  harness = await createShareHarness({ persistTo: "temp" });
  server = await startDevServer({ harness, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await harness?.dispose();
});

const json = { "content-type": "application/json" };

/** Send a request head and the first bytes of its body; resolve with all the server answers. */
function headAndFewBytes(port: number, head: string[], body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`${head.join("\r\n")}\r\n\r\n${body}`);
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      // A whole answer (its Content-Length worth of body) is enough: no need to wait for close.
      const end = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (end >= 0 && length && text.length >= end + 4 + Number(length)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
}
/** Send `request` ("METHOD /path") declaring `length` bytes, send only `start`: 413, unread. */
async function expectRefusedUnread(request: string, length: number, start: string): Promise<void> {
  const answer = await headAndFewBytes(
    server.port,
    [
      `${request} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      "Content-Type: application/json",
      `Content-Length: ${length}`,
    ],
    start,
  );
  expect(answer.split("\r\n", 1)[0]).toBe("HTTP/1.1 413 Payload Too Large");
  expect(errorCodeOf(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)))).toBe(
    "payload_too_large",
  );
}
const rule = { op: "get", kind: "latency", ms: 1 } as const;
const putRules = (rules: unknown[]) =>
  rawRequest(server.port, {
    method: "PUT",
    path: "/__harness/faults",
    headers: json,
    body: JSON.stringify({ rules }),
  });

describe("the control API's bounds", () => {
  it(`refuses more than ${MAX_FAULT_RULES} fault rules, through PUT and POST, and keeps the rules it had`, async () => {
    expect((await putRules([rule])).status).toBe(200);
    const tooMany = await putRules(Array(MAX_FAULT_RULES + 1).fill(rule));
    expect(tooMany.status, tooMany.text).toBe(400);
    expect(errorCodeOf(tooMany.json())).toBe("invalid_input");
    expect(tooMany.text).toContain(String(MAX_FAULT_RULES));
    expect(await harness.faults.list()).toHaveLength(1);
    // Exactly the limit is accepted; one more added to it is not.
    expect((await putRules(Array(MAX_FAULT_RULES).fill(rule))).status).toBe(200);
    const oneMore = await rawRequest(server.port, {
      method: "POST",
      path: "/__harness/faults",
      headers: json,
      body: JSON.stringify(rule),
    });
    expect(oneMore.status, oneMore.text).toBe(400);
    expect(await harness.faults.list()).toHaveLength(MAX_FAULT_RULES);
    await harness.faults.clear();
  });

  it("clears the rules on a DELETE that declares no body (no Content-Length, as browsers send it)", async () => {
    await harness.faults.set([rule, rule]);
    // The head byte for byte, with neither Content-Length nor Transfer-Encoding: the body limit
    // must not wait on a body that never comes.
    const answer = await headAndFewBytes(
      server.port,
      [
        "DELETE /__harness/faults HTTP/1.1",
        `Host: 127.0.0.1:${server.port}`,
        "Content-Type: application/json",
      ],
      "",
    );
    expect(answer.split("\r\n", 1)[0]).toBe("HTTP/1.1 200 OK");
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ rules: [] });
    expect(await harness.faults.list()).toEqual([]);
  });

  it("refuses a body past the limit from its Content-Length, unread, and goes on answering", async () => {
    await expectRefusedUnread("PUT /__harness/faults", CONTROL_BODY_LIMIT + 1, '{"rules":[');
    expect(await harness.faults.list()).toEqual([]);
    const state = await rawRequest(server.port, { path: "/__harness/state" });
    expect(state.status).toBe(200);
  });

  it("refuses a body for the Worker past Cloudflare's limit from its Content-Length, unread", async () => {
    await expectRefusedUnread("POST /api/share", WORKER_BODY_LIMIT + 1, '{"prompt":"');
    const listed = await rawRequest(server.port, { path: "/api/shares" });
    expect(listed.json()).toEqual({ shares: [], cursor: null });
  });

  it("passes chunked bodies (no Content-Length) within the limits to the control API and the Worker", async () => {
    const chunked = (path: string, method: string, body: string) =>
      headAndFewBytes(
        server.port,
        [
          `${method} ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${server.port}`,
          "Content-Type: application/json",
          "Transfer-Encoding: chunked",
        ],
        `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    const status = (answer: string) => answer.split("\r\n", 1)[0];
    expect(
      status(await chunked("/__harness/faults", "PUT", JSON.stringify({ rules: [rule] }))),
    ).toBe("HTTP/1.1 200 OK");
    expect(await harness.faults.list()).toHaveLength(1);
    await harness.faults.clear();
    const share = {
      generatedUrl: "https://img.example.com/gen/1.png",
      originalUrl: "https://img.example.com/orig/1.jpg",
      prompt: "sent chunked",
      style: "watercolor",
    };
    const created = await chunked("/api/share", "POST", JSON.stringify(share));
    expect(status(created)).toBe("HTTP/1.1 201 Created");
    const listed = await rawRequest(server.port, { path: "/api/shares" });
    expect((listed.json() as { shares: { prompt: string }[] }).shares.map((s) => s.prompt)).toEqual(
      ["sent chunked"],
    );
  });

  it("answers KV's own limits and a repeated query name as 400 invalid_input naming them, not 500", async () => {
    const put = (key: string, body: unknown) =>
      rawRequest(server.port, {
        method: "PUT",
        path: `/__harness/kv/${key}`,
        headers: json,
        body: JSON.stringify(body),
      });
    for (const [what, answer, words] of [
      [
        "a key past 512 bytes",
        await put("k".repeat(600), { value: "x" }),
        "key length limit of 512",
      ],
      [
        "metadata past 1024 bytes",
        await put("m", { value: "x", metadata: { m: "x".repeat(2000) } }),
        "limit of 1024",
      ],
      ["a TTL under 60 s", await put("t", { value: "x", expirationTtl: 1 }), "at least 60"],
      [
        "a key past 512 bytes, read",
        await rawRequest(server.port, { path: `/__harness/kv/${"k".repeat(600)}` }),
        "key length limit of 512",
      ],
      [
        "a repeated query name",
        await rawRequest(server.port, { path: "/__harness/kv?prefix=a&prefix=b" }),
        "prefix given more than once",
      ],
    ] as const) {
      expect(answer.status, `${what}: ${answer.text}`).toBe(400);
      expect(errorCodeOf(answer.json()), what).toBe("invalid_input");
      expect(answer.text, what).toContain(words);
    }
    for (const key of ["m", "t"]) {
      expect((await rawRequest(server.port, { path: `/__harness/kv/${key}` })).status).toBe(404);
    }
  });
});
