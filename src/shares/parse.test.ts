import { describe, expect, it } from "vitest";
import { readShareRecord, RECORD_BOUNDS } from "./parse.js";
import { sampleShare } from "../../fixtures/factories/sample-share.js";

const share = sampleShare();

describe("readShareRecord", () => {
  it("reads the share its key names", () => {
    expect(readShareRecord(`share:${share.id}`, JSON.stringify(share))).toEqual({
      ok: true,
      share,
    });
  });

  it("calls another share's record under this key corrupt", () => {
    const result = readShareRecord("share:OTHER00000000000", JSON.stringify(share));
    expect(result).toEqual({
      ok: false,
      reason: `holds the record of another share ("${share.id}")`,
    });
  });

  it("quotes another share's id up to 40 characters, and clips a longer one", () => {
    for (const [id, shown] of [
      ["A".repeat(40), "A".repeat(40)],
      ["B".repeat(41), `${"B".repeat(40)}…`],
    ]) {
      expect(readShareRecord("share:OTHER", JSON.stringify({ ...share, id }))).toEqual({
        ok: false,
        reason: `holds the record of another share ("${shown}")`,
      });
    }
  });

  it("names what is wrong with values that are not shares", () => {
    expect(readShareRecord(`share:${share.id}`, "[]")).toEqual({
      ok: false,
      reason: "not a share: (value) Invalid input: expected object, received array",
    });
    const noPrompt = JSON.stringify({ ...share, prompt: 5 });
    expect(readShareRecord(`share:${share.id}`, noPrompt)).toEqual({
      ok: false,
      reason: "not a share: prompt Invalid input: expected string, received number",
    });
  });

  it("refuses values past the record bounds without parsing them", () => {
    const huge = JSON.stringify({ ...share, prompt: "x".repeat(RECORD_BOUNDS.maxChars) });
    expect(readShareRecord(`share:${share.id}`, huge)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^larger than/),
    });
    const deep = JSON.stringify({ ...share, extra: [[[[["deep"]]]]] });
    expect(readShareRecord(`share:${share.id}`, deep)).toEqual({
      ok: false,
      reason: `nested deeper than ${RECORD_BOUNDS.maxDepth} levels`,
    });
  });
});
