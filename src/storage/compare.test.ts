import { describe, expect, it } from "vitest";
import { compareKeys } from "./compare.js";

describe("compareKeys", () => {
  it("orders by UTF-8 bytes where UTF-16 code units disagree, and a prefix first", () => {
    // U+FFFF is EF BF BF in UTF-8, before the F0 of an emoji; in UTF-16 it sorts after D83D.
    expect(["😀", "\uffff", "é", "~", "aa", "a", "a"].sort(compareKeys)).toEqual([
      "a",
      "a",
      "aa",
      "~",
      "é",
      "\uffff",
      "😀",
    ]);
    expect(compareKeys("a", "aa")).toBeLessThan(0);
    expect(compareKeys("aa", "a")).toBeGreaterThan(0);
    expect(compareKeys("ab", "ab")).toBe(0);
    expect(compareKeys("", "a")).toBeLessThan(0);
    expect(compareKeys("b", "ab")).toBeGreaterThan(0);
  });
});
