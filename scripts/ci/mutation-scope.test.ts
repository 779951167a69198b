import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { changedLineRanges, changedSinceBaseline, isMutatedSource } from "./mutation-scope.js";

describe("isMutatedSource", () => {
  it("takes the Worker's sources, not its tests, test support or other folders", () => {
    expect(isMutatedSource("src/shares/store.ts")).toBe(true);
    expect(isMutatedSource("src/shares/store.test.ts")).toBe(false);
    expect(isMutatedSource("src/testing/unit-worker.ts")).toBe(false);
    expect(isMutatedSource("harness/node/bundle.ts")).toBe(false);
    expect(isMutatedSource("src/README.md")).toBe(false);
  });
});

describe("changedLineRanges", () => {
  it("gives the new file's changed and added lines, not removed ones", () => {
    const before = ["a", "b", "c", "d", "e"].join("\n") + "\n";
    const after = ["a", "B", "c", "d", "x", "y", "e"].join("\n") + "\n";
    expect(changedLineRanges(before, after)).toEqual([
      [2, 2],
      [5, 6],
    ]);
    expect(changedLineRanges(before, "a\nb\nd\ne\n")).toEqual([]);
    expect(changedLineRanges(before, before)).toEqual([]);
  });
});

describe("changedLineRanges with the baseline's mutants", () => {
  const span = (start: number, end: number) => ({
    location: { start: { line: start }, end: { line: end } },
  });
  const before = ["f() {", "  a;", "  b;", "  c;", "}", "g() {", "  d;", "}"].join("\n") + "\n";

  it("widens a change to every mutant that spans it, at the mutant's lines in the new file", () => {
    // Two lines added above the function, one line inside it changed: the body's mutant (old
    // lines 1-5) is now lines 3-7 and must run again; g's (old 6-8) is untouched.
    const after = ["x;", "y;", "f() {", "  a;", "  B;", "  c;", "}", "g() {", "  d;", "}"];
    expect(changedLineRanges(before, after.join("\n") + "\n", [span(1, 5), span(6, 8)])).toEqual([
      [1, 2],
      [3, 7],
    ]);
  });

  it("widens a line inserted or removed inside a mutant, and leaves a change no mutant spans as it is", () => {
    const inserted = ["f() {", "  a;", "  new;", "  b;", "  c;", "}", "g() {", "  d;", "}"];
    expect(changedLineRanges(before, inserted.join("\n") + "\n", [span(1, 5)])).toEqual([[1, 6]]);
    const removed = before.replace("  b;\n", "");
    expect(changedLineRanges(before, removed)).toEqual([]);
    expect(changedLineRanges(before, removed, [span(1, 5), span(6, 8)])).toEqual([[1, 4]]);
    const edited = before.replace("  d;", "  D;");
    expect(changedLineRanges(before, edited, [span(1, 5), span(7, 7)])).toEqual([[7, 7]]);
  });
});

describe("changedSinceBaseline", () => {
  const root = mkdtempSync(path.join(tmpdir(), "mutation-scope-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it("lists changed ranges of files the baseline holds, and files it never tested", () => {
    write("src/same.ts", "one\ntwo\n");
    write("src/edited.ts", "one\nTWO\nthree\n");
    write("src/new.ts", "fresh\n");
    write("src/edited.test.ts", "not mutated\n");
    write("src/unjudged.ts", "changed\n");
    write("src/disabled.ts", "before\nadded\n");
    const at = (line: number) => ({ location: { start: { line }, end: { line } } });
    const judged = [
      { status: "Killed", ...at(1) },
      { status: "NoCoverage", ...at(1) },
    ];
    const baseline = {
      files: {
        "src/same.ts": { source: "one\ntwo\n", mutants: judged },
        "src/edited.ts": { source: "one\ntwo\n", mutants: judged },
        "src/unjudged.ts": { source: "before\n", mutants: [{ status: "NoCoverage", ...at(1) }] },
        "src/disabled.ts": { source: "before\n", mutants: [{ status: "Ignored", ...at(1) }] },
      },
    };
    expect(changedSinceBaseline(root, baseline)).toEqual({
      mutate: ["src/disabled.ts:2-2", "src/edited.ts:2-3"],
      untested: ["src/new.ts", "src/unjudged.ts"],
    });
  });
});
