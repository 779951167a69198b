/**
 * The control API's OpenAPI document is valid OpenAPI 3.1 and lists exactly the routes the dev
 * server serves under /__harness; the 404 and 405 answers come from the same route table, so they
 * name every route.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import type { Harness } from "../types.js";
import { controlApiDocument } from "./control-openapi.js";
import { asOpenApiPath } from "./control-routes.js";
import { createDevApp } from "./dev-server.js";
import { SessionRecorder } from "../../fixtures/record/recorder.js";
import { seedPlugin } from "../../fixtures/seed/seed-routes.js";

/** Building the routes reads only `options`; nothing here reaches a Worker. */
const idle = { options: { isolates: 1, profile: "miniflare", plugin: {} } } as Harness;
// As `npm run dev` serves it: the recorder and the seed route plugged in.
const app = createDevApp(idle, "first", new SessionRecorder({ harness: idle }), {}, [seedPlugin]);
const doc = controlApiDocument();

describe("the control API document", () => {
  it("is valid OpenAPI 3.1", async () => {
    // A plain JSON copy: the validator takes any JSON object, not the generator's type.
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lists exactly the routes the dev server serves under /__harness", () => {
    const served = app.routes
      // ALL routes are middleware and catch-alls, but for the session proxy, documented per method.
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/__harness"))
      .map((r) => `${r.method} ${asOpenApiPath(r.path)}`);
    const sessionProxy = app.routes.filter(
      (r) => r.method === "ALL" && r.path === "/__harness/sessions/:id/*",
    );
    expect(sessionProxy).toHaveLength(1);
    const documented = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter(() => path !== "/__harness/sessions/{id}/{path}")
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  it("is served at /__harness/openapi.json", async () => {
    const res = await app.request("/__harness/openapi.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it("describes request bodies with the schemas the routes validate with", () => {
    const body = (path: string, method: "post" | "put") =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking the JSON document
      (doc.paths?.[path] as any)[method].requestBody.content["application/json"].schema;
    expect(body("/__harness/seed", "post")).toMatchObject({
      properties: { count: { type: "integer", minimum: 1, maximum: 1_000_000 } },
      required: ["count"],
      additionalProperties: false,
    });
    expect(body("/__harness/clock/advance", "post")).toMatchObject({
      required: ["ms"],
      additionalProperties: false,
    });
    expect(JSON.stringify(body("/__harness/faults", "post"))).toContain('"hang"');
  });
});

describe("requests no route serves", () => {
  it.each([
    ["PUT", "/__harness/state", "GET, HEAD"],
    ["GET", "/__harness/record/start", "POST"],
    ["POST", "/__harness/kv/some%2Fkey", "GET, HEAD, PUT, DELETE"],
    ["PATCH", "/__harness/faults", "GET, HEAD, POST, PUT, DELETE"],
  ])("%s %s is a 405 with Allow: %s", async (method, path, allow) => {
    // As JSON: the dev server's guard refuses any other mutating control request with 415 first.
    const res = await app.request(path, {
      method,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(await res.json()).toEqual({
      error: {
        code: "method_not_allowed",
        message: `${method} is not allowed on ${path}; it answers ${allow}`,
      },
    });
  });

  it("an unknown path is a 404 listing every route, recorder, seed and sessions included", async () => {
    const res = await app.request("/__harness/faultz");
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("route_not_found");
    for (const route of [
      "GET|PUT|POST|DELETE /__harness/faults",
      "POST /__harness/fixtures/load",
      "POST /__harness/record/start",
      "POST /__harness/seed",
      "GET|POST /__harness/sessions",
      "GET /__harness/openapi.json",
    ]) {
      expect(error.message).toContain(route);
    }
  });
});
