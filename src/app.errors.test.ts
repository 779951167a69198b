/**
 * What an operator or client reads when a request cannot be served: an unknown route, and a Worker
 * deployed with bad vars (every bad var named, in the message and in `fields`, never a stack).
 */
import { describe, expect, it, vi } from "vitest";
import { HTTPException } from "hono/http-exception";
import { createApp } from "./app.js";
import type { Env } from "./env.js";
import { AppError, codeForHttpStatus, ERROR_CODES, storageUnavailable } from "./errors.js";

const app = createApp();

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

async function answer(path: string, env: Env, init: RequestInit = {}) {
  const res = await app.request(path, init, env);
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("unknown routes", () => {
  it("answer 404 not_found naming the method and path that matched nothing", async () => {
    const { status, body } = await answer("/api/nothing/here", { STORAGE_BACKEND: "memory" });
    expect(status).toBe(404);
    expect(body).toEqual({
      error: { code: "not_found", message: "No route for GET /api/nothing/here" },
    });
  });
});

describe("a method a route does not answer", () => {
  it("is 405 method_not_allowed naming the method, the path and the methods it answers, also in Allow", async () => {
    const res = await app.request(
      "/api/share/ABC",
      { method: "PUT" },
      { STORAGE_BACKEND: "memory" },
    );
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, DELETE");
    expect((await res.json()) as ErrorBody).toEqual({
      error: {
        code: "method_not_allowed",
        message: "PUT is not allowed on /api/share/ABC; it answers GET, HEAD, DELETE",
      },
    });
  });
});

describe("a Worker deployed with bad vars", () => {
  it("answers 500 config_invalid naming every bad var with zod's reason", async () => {
    const { status, body } = await answer("/api/shares", {
      STORAGE_BACKEND: "memory",
      CACHE_MAX_ENTRIES: "lots",
      KV_RETRY_MAX_ATTEMPTS: "99",
    });
    expect(status).toBe(500);
    expect(body.error.code).toBe("config_invalid");
    expect(body.error.fields?.map((f) => f.path)).toEqual([
      "CACHE_MAX_ENTRIES",
      "KV_RETRY_MAX_ATTEMPTS",
    ]);
    const [cache, attempts] = body.error.fields!;
    expect(cache!.message.length).toBeGreaterThan(0);
    expect(attempts!.message).toMatch(/10/);
    expect(body.error.message).toBe(
      `Invalid Worker configuration: CACHE_MAX_ENTRIES (${cache!.message}); KV_RETRY_MAX_ATTEMPTS (${attempts!.message})`,
    );
  });

  it("treats an empty var as unset (a blank line in .dev.vars) and serves with the default", async () => {
    const res = await app.request("/api/shares", {}, {
      STORAGE_BACKEND: "memory",
      CACHE_MAX_ENTRIES: "",
      KV_RETRY_MAX_ATTEMPTS: "",
    } satisfies Env);
    expect(res.status).toBe(200);
  });

  it("says how to fix STORAGE_BACKEND=kv without the SHARE_DATA_KV binding", async () => {
    const { status, body } = await answer("/api/shares", { STORAGE_BACKEND: "kv" });
    expect(status).toBe(500);
    expect(body.error.code).toBe("config_invalid");
    expect(body.error.message).toContain("SHARE_DATA_KV binding is missing");
    expect(body.error.message).toContain("STORAGE_BACKEND=memory");
  });
});

describe("exceptions a middleware throws", () => {
  it("answer a code from the one list (ERROR_CODES), never one outside it", () => {
    const statuses = Array.from({ length: 200 }, (_, i) => 400 + i);
    for (const status of statuses) {
      for (const message of ["", "Malformed JSON in request body", "Payload Too Large"]) {
        expect(ERROR_CODES).toContain(codeForHttpStatus(status, message));
      }
    }
    expect(codeForHttpStatus(413, "Payload Too Large")).toBe("payload_too_large");
    expect(codeForHttpStatus(400, "Malformed JSON in request body")).toBe("invalid_json");
    expect(codeForHttpStatus(400, "")).toBe("validation_failed");
    expect(codeForHttpStatus(503, "")).toBe("internal_error");
    // 500 is the first server error: its message is not shown, whatever the status table says.
    expect(codeForHttpStatus(500, "Malformed JSON in request body")).toBe("internal_error");
    expect(codeForHttpStatus(499, "")).toBe("validation_failed");
  });

  it("the body limit's 413 on a create is payload_too_large in the error shape", async () => {
    const res = await app.request(
      "/api/share",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "x".repeat(70_000) }),
      },
      { STORAGE_BACKEND: "memory" },
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: "payload_too_large", message: expect.any(String) },
    });
  });
});

describe("an HTTPException thrown on the way to an answer", () => {
  /** The answer to a request whose handler throws `error`, and the lines the Worker logged. */
  const answerTo = async (error: Error) => {
    const withThrow = createApp();
    withThrow.get("/throws", () => {
      throw error;
    });
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const res = await withThrow.request("/throws", {}, { STORAGE_BACKEND: "memory" });
      const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as unknown);
      return { status: res.status, body: (await res.json()) as ErrorBody, lines };
    } finally {
      log.mockRestore();
    }
  };
  const thrown = async (status: 400 | 401 | 500 | 503, message: string) => {
    const { status: answered, body } = await answerTo(new HTTPException(status, { message }));
    return { status: answered, body };
  };

  it("answers a 4xx with its status, the code for it and its message (else the code)", async () => {
    expect(await thrown(401, "Sign in first")).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: "Sign in first" } },
    });
    expect(await thrown(400, "")).toEqual({
      status: 400,
      body: { error: { code: "validation_failed", message: "validation_failed" } },
    });
  });

  it("answers a 5xx as 500 internal_error and never shows its message", async () => {
    for (const status of [500, 503] as const) {
      expect(await thrown(status, "db password is hunter2")).toEqual({
        status: 500,
        body: { error: { code: "internal_error", message: "Internal error" } },
      });
    }
    const { lines } = await answerTo(new HTTPException(503, { message: "db down" }));
    expect(lines).toContainEqual({
      level: "warn",
      event: "app_error",
      code: "internal_error",
      message: "db down",
    });
  });

  it("answers any other error as 500 internal_error, logging its name, message and path only", async () => {
    const { status, body, lines } = await answerTo(new RangeError("index 7 out of range"));
    expect({ status, body }).toEqual({
      status: 500,
      body: { error: { code: "internal_error", message: "Internal error" } },
    });
    expect(lines).toContainEqual({
      level: "warn",
      event: "unhandled_error",
      name: "RangeError",
      message: "index 7 out of range",
      path: "/throws",
    });
  });

  it("logs no line for a 4xx the Worker answers on purpose", async () => {
    const { status, lines } = await answerTo(new AppError(404, "not_found", "No share ABC"));
    expect(status).toBe(404);
    expect(lines).toEqual([]);
  });

  it("logs a 5xx the Worker answers on purpose with its code and message", async () => {
    const { status, lines } = await answerTo(storageUnavailable("KV is down"));
    expect(status).toBe(503);
    expect(lines).toContainEqual({
      level: "warn",
      event: "app_error",
      code: "storage_unavailable",
      message: "KV is down",
    });
  });
});
