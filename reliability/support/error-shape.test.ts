import { describe, expect, it } from "vitest";
import { hasStackTrace, responseProblems, type ResponseView } from "./error-shape.js";

const json = (status: number, body: unknown, retryAfter: string | null = null): ResponseView => ({
  status,
  text: JSON.stringify(body),
  contentType: "application/json",
  retryAfter,
});

describe("responseProblems", () => {
  it("accepts a documented error and a 503 with Retry-After", () => {
    expect(responseProblems(json(404, { error: { code: "not_found", message: "x" } }))).toEqual([]);
    expect(
      responseProblems(json(503, { error: { code: "storage_unavailable", message: "x" } }, "5")),
    ).toEqual([]);
    // The harness's answer for a request a crash cut off.
    expect(
      responseProblems(json(503, { error: { code: "worker_unavailable", message: "x" } }, "1")),
    ).toEqual([]);
  });

  it("flags 500s, 503s without Retry-After, unknown codes and other shapes", () => {
    expect(
      responseProblems(json(500, { error: { code: "internal_error", message: "x" } })),
    ).toHaveLength(1);
    expect(
      responseProblems(json(503, { error: { code: "storage_unavailable", message: "x" } })),
    ).toEqual(["503 storage_unavailable without a numeric Retry-After"]);
    expect(
      responseProblems(json(500, { error: { code: "worker_unavailable", message: "x" } }, "1")),
    ).toHaveLength(1);
    expect(responseProblems(json(400, { error: { code: "oops", message: "x" } }))[0]).toMatch(
      /unknown error code/,
    );
    expect(responseProblems(json(400, { message: "x" }))[0]).toMatch(/not \{ error/);
    expect(
      responseProblems({ status: 400, text: "Bad", contentType: "text/plain", retryAfter: null }),
    ).toHaveLength(1);
  });

  it("recognises V8 stack traces but not ordinary prose", () => {
    expect(hasStackTrace("Error: boom\n    at handler (src/app.ts:10:5)")).toBe(true);
    expect(hasStackTrace("TypeError: x\n    at <anonymous>")).toBe(true);
    expect(hasStackTrace(JSON.stringify({ stack: "E: x\n    at f (index.js:3:9)" }))).toBe(true);
    expect(hasStackTrace("A cat sitting at the window at noon")).toBe(false);
  });
});
