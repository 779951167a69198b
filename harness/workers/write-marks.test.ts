import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WriteMarks } from "./write-marks.js";

describe("WriteMarks", () => {
  it("holds no mark once no read is open, however many keys were written", () => {
    const marks = new WriteMarks();
    for (let i = 0; i < 10_000; i++) {
      marks.mark(`share:${i}`);
      marks.mark(`share:${i}`);
    }
    expect(marks.size).toBe(0);
    const since = marks.readBegins();
    for (let i = 0; i < 100; i++) marks.mark(`share:${i}`);
    expect(marks.size).toBe(100);
    expect(marks.readEnds("share:1", since)).toBe(true);
    expect(marks.size).toBe(0);
  });

  it("reports an overlap exactly when a write to the read's key was marked while it was open", () => {
    // Steps: begin a read, end the oldest open read of a key, or mark a key.
    const step = fc.oneof(
      fc.constant({ kind: "begin" as const }),
      fc.record({ kind: fc.constant("end" as const), key: fc.constantFrom("a", "b", "c") }),
      fc.record({ kind: fc.constant("mark" as const), key: fc.constantFrom("a", "b", "c") }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.nat(), (steps, pick) => {
        const marks = new WriteMarks();
        const open: { since: number; written: Set<string> }[] = [];
        for (const s of steps) {
          if (s.kind === "begin") open.push({ since: marks.readBegins(), written: new Set() });
          else if (s.kind === "mark") {
            marks.mark(s.key);
            for (const read of open) read.written.add(s.key);
          } else if (open.length > 0) {
            const [read] = open.splice(pick % open.length, 1);
            expect(marks.readEnds(s.key, read!.since)).toBe(read!.written.has(s.key));
          }
        }
        if (open.length === 0) expect(marks.size).toBe(0);
      }),
    );
  });
});
