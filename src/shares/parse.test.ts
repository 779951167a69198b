import { describe, expect, it } from "vitest";
import { readShareRecord, RECORD_BOUNDS } from "./parse.js";
import type { ShareData } from "./schema.js";

const share: ShareData = {
  id: "7YBQ64RG64EZV0CRWC",
  generatedUrl: "https://img.example/g.png",
  originalUrl: "https://img.example/o.png",
  prompt: "a lighthouse",
  style: "watercolor",
  timestamp: 1_796_163_747_643,
  createdAt: "2026-12-01T22:22:27.643Z",
};

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

  it("names what is wrong with values that are not shares", () => {
    expect(readShareRecord(`share:${share.id}`, "[]")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a share: \(value\)/),
    });
    const noPrompt = JSON.stringify({ ...share, prompt: 5 });
    expect(readShareRecord(`share:${share.id}`, noPrompt)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a share: prompt/),
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
