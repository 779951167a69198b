import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBoundedJson } from "./bounded-json.js";

/** Nesting depth of a parsed JSON value (a flat object or array is 1). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Object.values(value as Record<string, unknown>);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("parseBoundedJson", () => {
  it("agrees with JSON.parse on every JSON text within the bounds, and refuses deeper ones", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 6 }), (value, max) => {
        const text = JSON.stringify(value);
        const result = parseBoundedJson(text, { maxChars: 1 << 20, maxDepth: max });
        if (depthOf(value) <= max) expect(result).toEqual({ ok: true, value: JSON.parse(text) });
        else expect(result).toEqual({ ok: false, reason: `nested deeper than ${max} levels` });
      }),
      { numRuns: 300 },
    );
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ p: '[[[{{{ "quoted \\" [[[' });
    expect(parseBoundedJson(text, { maxChars: 1000, maxDepth: 1 })).toMatchObject({ ok: true });
  });

  it("refuses oversized text before parsing it, and text that is not JSON", () => {
    expect(parseBoundedJson(`"${"x".repeat(100)}"`, { maxChars: 50, maxDepth: 4 })).toEqual({
      ok: false,
      reason: "larger than 50 characters (102)",
    });
    expect(parseBoundedJson('{"id":', { maxChars: 50, maxDepth: 4 })).toEqual({
      ok: false,
      reason: "not JSON",
    });
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(parseBoundedJson(deep, { maxChars: 1 << 20, maxDepth: 4 })).toMatchObject({ ok: false });
  });
});
