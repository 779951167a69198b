import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { allowedMethods } from "./allowed-methods.js";

/** The Worker app in-process, without bindings: routing never reaches storage here. */
const app = createApp();

async function answer(method: string, path: string) {
  const res = await app.request(path, { method });
  return {
    status: res.status,
    allow: res.headers.get("allow"),
    body: (await res.json()) as { error: { code: string; message: string } },
  };
}

describe("a known path with another method", () => {
  it.each([
    ["PUT", "/api/share/7YBQ64NH8N2VPFVBH5", "GET, HEAD, DELETE"],
    ["PATCH", "/api/share/7YBQ64NH8N2VPFVBH5", "GET, HEAD, DELETE"],
    ["GET", "/api/share", "POST"],
    ["DELETE", "/api/shares", "GET, HEAD"],
    ["POST", "/healthz", "GET, HEAD"],
    ["POST", "/s/7YBQ64NH8N2VPFVBH5", "GET, HEAD"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const res = await answer(method, path);
    expect(res).toEqual({
      status: 405,
      allow,
      body: {
        error: {
          code: "method_not_allowed",
          message: `${method} is not allowed on ${path}; it answers ${allow}`,
        },
      },
    });
  });

  it("an unknown path stays a 404 not_found", async () => {
    const res = await answer("PUT", "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.allow).toBeNull();
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("allowedMethods", () => {
  it("ignores middleware and matches parameters and wildcards", () => {
    const sub = new Hono()
      .use("*", async (_c, next) => next())
      .get("/items/:id", (c) => c.text("x"))
      .post("/items", (c) => c.text("x"))
      .delete("/files/*", (c) => c.text("x"));
    const allowed = allowedMethods(new Hono().route("/v1", sub));
    expect(allowed("/v1/items/42")).toEqual(["GET", "HEAD"]);
    expect(allowed("/v1/items")).toEqual(["POST"]);
    expect(allowed("/v1/files/a/b")).toEqual(["DELETE"]);
    expect(allowed("/v1/other")).toEqual([]);
  });
});
