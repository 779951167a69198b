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
