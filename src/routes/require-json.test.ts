/**
 * A create's body must be JSON in UTF-8: one declared in another charset is refused with 415
 * `unsupported_media_type` (it would be decoded as UTF-8 all the same), and nothing is stored.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");

const create = (contentType: string, body: BodyInit = JSON.stringify(validBody())) =>
  unit.request(env(), "/api/share", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });

const listed = async () =>
  ((await (await unit.request(env(), "/api/shares")).json()) as { shares: unknown[] }).shares;

describe("a create's body type", () => {
  it("is refused with 415 unless it is application/json, saying what to send", async () => {
    const untyped = await unit.request(env(), "/api/share", {
      method: "POST",
      body: new Blob([JSON.stringify(validBody())]),
    });
    for (const res of [untyped, await create("text/plain")]) {
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({
        error: { code: "unsupported_media_type", message: "Send the body as application/json" },
      });
    }
    expect(await listed()).toEqual([]);
  });
});

describe("the charset of a create's JSON body", () => {
  it("is refused with 415 unsupported_media_type when it is not UTF-8, and nothing is created", async () => {
    const utf16 = Buffer.from(`\ufeff${JSON.stringify(validBody())}`, "utf16le");
    for (const [type, body] of [
      ["application/json; charset=utf-16", utf16],
      ["application/json;charset=UTF-16LE", utf16],
      ['application/json; charset="iso-8859-1"', undefined],
      ["application/json; charset=", undefined],
    ] as const) {
      const res = await create(type, body);
      expect(res.status, type).toBe(415);
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect(answer.error.code, type).toBe("unsupported_media_type");
      expect(answer.error.message, type).toMatch(/UTF-8/);
    }
    expect(await listed()).toEqual([]);
  });

  it("is taken when it is UTF-8, in any spelling, or not given", async () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      'Application/JSON; Charset="UTF-8"',
      "application/json;charset=utf8",
    ]) {
      const res = await create(type);
      expect(res.status, type).toBe(201);
    }
    expect(await listed()).toHaveLength(4);
  });
});
