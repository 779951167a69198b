/**
 * Every answer of the Worker, errors from its one error handler included, carries
 * `X-Content-Type-Options: nosniff`: a browser never reads a JSON error (which may echo input)
 * as HTML or script.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "./testing/unit-worker.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");
const json = { "content-type": "application/json" };

describe("nosniff on every answer", () => {
  it("is on each kind of error answer, 4xx and 5xx, as on the answers that succeed", async () => {
    const created = await unit.postShare(env(), validBody());
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await unit.r2.put(`images/${id}`, "\x89PNG\r\n\x1a\n", "image/png");
    const answers: [string, number, Promise<Response>][] = [
      ["create", 201, Promise.resolve(created)],
      ["read", 200, unit.request(env(), `/api/share/${id}`)],
      ["list", 200, unit.request(env(), "/api/shares")],
      ["page", 200, unit.request(env(), `/s/${id}`)],
      ["page not found", 404, unit.request(env(), "/s/unknown123")],
      ["image", 200, unit.request(env(), `/images/${id}`)],
      ["no image", 404, unit.request(env(), "/images/unknown123")],
      ["unknown route", 404, unit.request(env(), "/api/nothing")],
      ["wrong method", 405, unit.request(env(), "/api/shares", { method: "PUT" })],
      ["bad id", 400, unit.request(env(), "/api/share/..%2f..")],
      ["bad cursor", 400, unit.request(env(), "/api/shares?cursor=!!")],
      [
        "bad JSON",
        400,
        unit.request(env(), "/api/share", { method: "POST", headers: json, body: "{" }),
      ],
      [
        "not JSON",
        415,
        unit.request(env(), "/api/share", {
          method: "POST",
          headers: { "content-type": "text/html" },
          body: "<b>",
        }),
      ],
      ["too large", 413, unit.postShare(env(), { ...validBody(), prompt: "x".repeat(70 * 1024) })],
      ["no admin token", 401, unit.request(env(), `/api/share/${id}`, { method: "DELETE" })],
      [
        "bad config",
        500,
        unit.request(unit.env("kv", { CACHE_MAX_ENTRIES: "lots" }), "/api/shares"),
      ],
      [
        "no KV binding",
        500,
        unit.request(unit.env("memory", { STORAGE_BACKEND: "kv" }), "/api/shares"),
      ],
    ];
    for (const [what, status, answer] of answers) {
      const res = await answer;
      expect(res.status, what).toBe(status);
      expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
    }
  });
});
