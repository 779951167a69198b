/**
 * What a client reads from the routes' own refusals: `GET /images/:id` when there is no image to
 * serve (no bucket bound, no such share, a share without a copy, a malformed id), and a create
 * body that fails validation (the fields named in the message, the body itself when it is not an
 * object).
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; fields?: unknown } }).error;

const created = async (env: ReturnType<typeof unit.env>) => {
  const res = await unit.postShare(env, validBody(1));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

describe("GET /images/:id with no image to serve", () => {
  it("is a 404 'No stored image' with no bucket bound, for an unknown id, a share without a copy and a malformed id", async () => {
    const noBucket = unit.env("kv", { r2: false });
    const id = await created(noBucket);
    const withBucket = unit.env("kv");
    const shareWithoutCopy = await created(withBucket);
    for (const [env, path] of [
      [noBucket, `/images/${id}`],
      [withBucket, `/images/${id.slice(0, -1)}${id.endsWith("x") ? "y" : "x"}`],
      [withBucket, `/images/${shareWithoutCopy}`],
      [withBucket, "/images/not-an-id!"],
    ] as const) {
      const res = await unit.request(env, path);
      expect(res.status, path).toBe(404);
      expect(await errorOf(res), path).toEqual({ code: "not_found", message: "No stored image" });
    }
  });
});

describe("a create body that fails validation", () => {
  it("names an unknown field in the message and in fields, and the body when it is not an object", async () => {
    const env = unit.env("kv");
    const extra = await unit.postShare(env, { ...validBody(1), extra: 1 });
    expect(extra.status).toBe(400);
    const error = await errorOf(extra);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe("Invalid fields: extra");
    expect(error.fields).toEqual([{ path: "extra", message: expect.stringContaining("extra") }]);

    const array = await unit.postShare(env, []);
    expect(array.status).toBe(400);
    const whole = await errorOf(array);
    expect(whole.message).toBe("Invalid fields: (body)");
    expect(whole.fields).toEqual([{ path: "", message: expect.any(String) }]);
  });
});

describe("a create body that is not UTF-8", () => {
  it("is 400 invalid_json saying so, and nothing is stored", async () => {
    const env = unit.env("kv");
    const json = new TextEncoder().encode(JSON.stringify({ ...validBody(1), prompt: "caf_" }));
    const bytes = json.map((b) => (b === 0x5f ? 0xe9 : b)); // a Latin-1 é, not UTF-8
    const res = await unit.request(env, "/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bytes,
    });
    expect([res.status, await errorOf(res)]).toEqual([
      400,
      { code: "invalid_json", message: "The request body is not valid UTF-8" },
    ]);
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
  });
});

describe("a create whose URL is not https", () => {
  it("names the field and the rule", async () => {
    const res = await unit.postShare(unit.env("kv"), {
      ...validBody(1),
      generatedUrl: "http://img.example.com/a.png",
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).fields).toEqual([
      { path: "generatedUrl", message: "must be an https: URL" },
    ]);
  });
});

describe("the share routes' other refusals", () => {
  it("words an invalid JSON body, a body over 64 KiB and an unknown id for a read and a delete", async () => {
    const env = unit.env("kv", { ADMIN_TOKEN: "test-admin-token" });
    const post = (body: string) =>
      unit.request(env, "/api/share", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({
      code: "invalid_json",
      message: "The request body is not valid JSON",
    });
    const big = await post(JSON.stringify({ prompt: "x".repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(await errorOf(big)).toEqual({
      code: "payload_too_large",
      message: "The body must be at most 65536 bytes",
    });
    const id = await created(env);
    const unknown = `${id.slice(0, -1)}${id.endsWith("x") ? "y" : "x"}`;
    const read = await unit.request(env, `/api/share/${unknown}`);
    expect(await errorOf(read)).toEqual({
      code: "not_found",
      message: `No share with id ${unknown}`,
    });
    const del = await unit.request(env, `/api/share/${unknown}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(del.status).toBe(404);
    expect(await errorOf(del)).toEqual({
      code: "not_found",
      message: `No share with id ${unknown}`,
    });
  });

  it("words a malformed id for a read and a delete", async () => {
    const env = unit.env("kv", { ADMIN_TOKEN: "test-admin-token" });
    const path = `/api/share/${encodeURIComponent("bad id!")}`;
    const read = await unit.request(env, path);
    const del = await unit.request(env, path, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    for (const res of [read, del]) {
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toEqual({
        code: "invalid_id",
        message: "The share id is malformed",
      });
    }
  });

  it("refuses a body that is not UTF-8 as invalid JSON, instead of storing U+FFFD for its bytes", async () => {
    const env = unit.env("kv");
    const text = JSON.stringify({ ...validBody(1), prompt: "PROMPT" });
    const [before, after] = text.split("PROMPT") as [string, string];
    const encode = (s: string) => new TextEncoder().encode(s);
    // Latin-1 "café" (0xE9 alone is no UTF-8), and a UTF-16 surrogate written as UTF-8 (CESU-8).
    for (const bytes of [
      [0x63, 0x61, 0x66, 0xe9],
      [0xed, 0xa0, 0x80],
    ]) {
      const body = new Uint8Array([...encode(before), ...bytes, ...encode(after)]);
      const res = await unit.request(env, "/api/share", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status, String(bytes)).toBe(400);
      expect(await errorOf(res)).toEqual({
        code: "invalid_json",
        message: "The request body is not valid UTF-8",
      });
    }
    const listed = (await (await unit.request(env, "/api/shares")).json()) as { shares: unknown[] };
    expect(listed.shares).toEqual([]);
  });
});
