import { describe, expect, it } from "vitest";
import { parseDevArgs } from "./dev-options.js";

describe("npm run dev -- --record / --fixture", () => {
  it("takes the fixture file to record into and the one to load", () => {
    const options = parseDevArgs([
      "--record",
      "fixtures/recorded/bug.json",
      "--fixture",
      "fixtures/bugs/corrupted-record.json",
    ])!;
    expect(options.record).toBe("fixtures/recorded/bug.json");
    expect(options.fixture).toBe("fixtures/bugs/corrupted-record.json");
  });

  it("records and loads nothing by default", () => {
    const options = parseDevArgs([])!;
    expect(options.record).toBeUndefined();
    expect(options.fixture).toBeUndefined();
  });
});
