import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./unified-diff.js";

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "f")).toBe("");
  });

  it("prints a replaced line with three lines of context and diff(1) hunk numbers", () => {
    const before = lines(10);
    const after = [...before];
    after[4] = "changed";
    expect(unifiedDiff(before.join("\n"), after.join("\n"), "w.jsonc")).toBe(
      [
        "--- a/w.jsonc",
        "+++ b/w.jsonc",
        "@@ -2,7 +2,7 @@",
        " line 2",
        " line 3",
        " line 4",
        "-line 5",
        "+changed",
        " line 6",
        " line 7",
        " line 8",
        "",
      ].join("\n"),
    );
  });

  it("splits far-apart changes into separate hunks", () => {
    const before = lines(30);
    const after = [...before];
    after[1] = "first";
    after.splice(25, 0, "inserted");
    const diff = unifiedDiff(before.join("\n"), after.join("\n"), "f");
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(["@@ -1,5 +1,5 @@", "@@ -23,6 +23,7 @@"]);
    expect(diff).toContain("+inserted\n");
  });
});
