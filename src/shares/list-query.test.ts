/**
 * The list's query through the Worker: `limit` or `cursor` given twice is a 400
 * `validation_failed` naming it, never "the first one wins" (or the last).
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");

interface ErrorAnswer {
  error: { code: string; message: string; fields: { path: string; message: string }[] };
}

describe("a repeated list parameter", () => {
  it("is a 400 validation_failed naming each repeated name", async () => {
    for (let i = 0; i < 3; i++)
      expect((await unit.postShare(env(), validBody(i))).status).toBe(201);
    const first = (await (await unit.request(env(), "/api/shares?limit=1")).json()) as {
      cursor: string;
    };
    for (const [query, names] of [
      ["limit=1&limit=100", ["limit"]],
      ["limit=2&limit=2", ["limit"]],
      [`cursor=${first.cursor}&cursor=`, ["cursor"]],
      [`limit=1&cursor=${first.cursor}&limit=5&cursor=${first.cursor}`, ["limit", "cursor"]],
    ] as const) {
      const res = await unit.request(env(), `/api/shares?${query}`);
      expect(res.status, query).toBe(400);
      const answer = (await res.json()) as ErrorAnswer;
      expect(answer.error.code, query).toBe("validation_failed");
      expect(
        answer.error.fields.map((f) => f.path),
        query,
      ).toEqual(names);
    }
  });

  it("says which names to give once, word for word", async () => {
    const res = await unit.request(env(), "/api/shares?limit=1&cursor=a&limit=5&cursor=b");
    expect(((await res.json()) as ErrorAnswer).error).toEqual({
      code: "validation_failed",
      message: "Give limit and cursor at most once",
      fields: [
        { path: "limit", message: "given more than once; send it once" },
        { path: "cursor", message: "given more than once; send it once" },
      ],
    });
  });

  it("leaves other parameters alone: one of each is a page, and a name the list does not read is ignored", async () => {
    for (let i = 0; i < 2; i++)
      expect((await unit.postShare(env(), validBody(i))).status).toBe(201);
    const res = await unit.request(env(), "/api/shares?limit=1&utm=a&utm=b");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { shares: unknown[] }).shares).toHaveLength(1);
  });
});

describe("the list's limit and cursor", () => {
  it("refuses a limit outside 1 to 100 with the rule, and reads an empty cursor as the first page", async () => {
    // Only decimal digits are a limit: other spellings Number() would read are refused, not guessed.
    for (const limit of ["0", "101", "2.5", "ten", "0x10", "1e1", "%201", "1%20", "+5", "0b11"]) {
      const res = await unit.request(env(), `/api/shares?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(((await res.json()) as ErrorAnswer).error, limit).toEqual({
        code: "validation_failed",
        message: "limit must be an integer from 1 to 100",
        fields: [{ path: "limit", message: "must be an integer from 1 to 100" }],
      });
    }
    expect((await unit.postShare(env(), validBody(1))).status).toBe(201);
    const first = await unit.request(env(), "/api/shares?cursor=");
    expect(first.status).toBe(200);
    expect(((await first.json()) as { shares: unknown[] }).shares).toHaveLength(1);
  });
});
