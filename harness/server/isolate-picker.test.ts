import { describe, expect, it } from "vitest";
import { ControlError } from "./control-error.js";
import { createIsolatePicker } from "./isolate-picker.js";

describe("createIsolatePicker", () => {
  it("honours the x-harness-isolate header", () => {
    const pick = createIsolatePicker(3, "first");
    expect(pick("2")).toBe(2);
    expect(pick(" 0 ")).toBe(0);
  });

  it("sends requests without the header to isolate 0 by default", () => {
    const pick = createIsolatePicker(3, "first");
    expect([pick(null), pick(undefined), pick("")]).toEqual([0, 0, 0]);
  });

  it("spreads requests without the header in turn with round-robin", () => {
    const pick = createIsolatePicker(3, "round-robin");
    expect([pick(null), pick(null), pick("0"), pick(null), pick(null)]).toEqual([0, 1, 0, 2, 0]);
  });

  it.each(["3", "-1", "1.5", "one", "99999999999999999999"])(
    "rejects %j with a 400 naming the valid range",
    (header) => {
      const pick = createIsolatePicker(3, "first");
      let caught: unknown;
      try {
        pick(header);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ControlError);
      expect(caught).toMatchObject({ status: 400, code: "invalid_isolate" });
      expect((caught as Error).message).toContain("isolates 0..2");
    },
  );
});
