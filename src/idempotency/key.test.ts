import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_HEADER, MAX_KEY_LENGTH, parseIdempotencyKey } from "./key.js";

/** The 400 a bad header gets: its code, the rule in the message, the header as the field. */
function rejection(header: string) {
  try {
    parseIdempotencyKey(header);
  } catch (error) {
    const { status, code, message, fields } = error as {
      status: number;
      code: string;
      message: string;
      fields: unknown;
    };
    return { status, code, message, fields };
  }
  throw new Error(`${JSON.stringify(header)} was accepted`);
}

describe("parseIdempotencyKey", () => {
  it("takes the key from a quoted string, a token or a bare visible-ASCII value", () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('"order-42"')).toBe("order-42");
    expect(parseIdempotencyKey("order-42")).toBe("order-42");
    // Not a Structured Field (braces are not token characters): taken as sent.
    expect(parseIdempotencyKey("{order-42}")).toBe("{order-42}");
    expect(parseIdempotencyKey("  {order-42}  ")).toBe("{order-42}");
  });

  it("takes a Structured Field's value without its parameters", () => {
    expect(parseIdempotencyKey('"order-42";v=1')).toBe("order-42");
    expect(parseIdempotencyKey("order-42;v=1")).toBe("order-42");
  });

  it("keeps a number, a boolean or a byte sequence as the text sent, not its parsed value", () => {
    // Two clients sending `?1` and `true` (or `:aGk=:` and its bytes) must not share one key.
    for (const sent of ["?1", "42", "4.50", ":aGk=:"]) expect(parseIdempotencyKey(sent)).toBe(sent);
  });

  it("accepts 1 to MAX_KEY_LENGTH characters", () => {
    expect(parseIdempotencyKey(`"${"k".repeat(MAX_KEY_LENGTH)}"`)).toHaveLength(MAX_KEY_LENGTH);
    expect(parseIdempotencyKey('"k"')).toBe("k");
  });

  it("answers 400 invalid_idempotency_key naming the rule the header broke", () => {
    const cases: [string, string][] = [
      ['ab"c', "is not a string"],
      ["(1, 2)", "is not a string"],
      ['""', "is empty"],
      [`"${"k".repeat(MAX_KEY_LENGTH + 1)}"`, `is longer than ${MAX_KEY_LENGTH} characters`],
      ['"a b"', "has characters outside visible ASCII"],
    ];
    for (const [header, why] of cases) {
      expect(rejection(header), header).toEqual({
        status: 400,
        code: "invalid_idempotency_key",
        message: expect.stringContaining(`${IDEMPOTENCY_HEADER} ${why}: send a quoted string`),
        fields: [{ path: IDEMPOTENCY_HEADER, message: why }],
      });
    }
  });
});
