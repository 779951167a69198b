import { describe, expect, it } from "vitest";
import { htmlProblems } from "./html-structure.js";

const page = (inner: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>t</title></head><body><main>${inner}</main></body></html>`;

describe("htmlProblems", () => {
  it("accepts the template's own markup with escaped user text", () => {
    expect(
      htmlProblems(
        page(
          '<p class="prompt">&lt;script&gt;alert(1)&lt;/script&gt;</p><a href="https://x.example/a" rel="noopener">o</a><img src="/images/A1" alt="&quot; onerror=&quot;x" />',
        ),
      ),
    ).toEqual([]);
  });

  it("flags injected tags, event handlers, unquoted values and script URLs", () => {
    const problems = (inner: string) => htmlProblems(page(inner)).map((p) => p.problem);
    expect(problems("<script>alert(1)</script>")[0]).toMatch(/unexpected <script>/);
    expect(problems('<img src="/x" alt="" onerror="alert(1)" />')).toEqual([
      "unexpected attribute onerror on <img>",
    ]);
    expect(problems('<a href="javascript:alert(1)">x</a>')[0]).toMatch(/neither https/);
    expect(problems('<a href="//evil.example/">x</a>')[0]).toMatch(/neither https/);
    expect(problems("<p class=x>y</p>")).toEqual(["unquoted class on <p>"]);
  });
});
