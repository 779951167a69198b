import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { expiredKeys, virtualAt } from "./image-expiry.js";
import { readClockHistory, writeClockOffset } from "./persist.js";

const DAY = 86_400_000;
const rule = { prefix: "images/", expireDays: 30 };
const history = [
  { fromMs: 1_000, offsetMs: 10 * DAY },
  { fromMs: 5_000, offsetMs: 40 * DAY },
];

describe("virtualAt", () => {
  it("adds the offset in effect at that real instant (none before the first move)", () => {
    expect(virtualAt(500, history)).toBe(500);
    expect(virtualAt(1_000, history)).toBe(1_000 + 10 * DAY);
    expect(virtualAt(4_999, history)).toBe(4_999 + 10 * DAY);
    expect(virtualAt(6_000, history)).toBe(6_000 + 40 * DAY);
  });
});

describe("expiredKeys", () => {
  it("expires objects under the rule's prefix whose virtual age reached its days, each from its own upload", () => {
    const objects = [
      { key: "images/old", uploaded: 500 }, // virtual 500
      { key: "images/mid", uploaded: 2_000 }, // virtual 2_000 + 10 days
      { key: "images/new", uploaded: 6_000 }, // virtual 6_000 + 40 days
      { key: "other/old", uploaded: 500 },
    ];
    const now = 6_000 + 39 * DAY; // old: 39 days, mid: 29 days, new: not uploaded yet
    expect(expiredKeys(objects, history, now, rule)).toEqual(["images/old"]);
    expect(expiredKeys(objects, history, 2_000 + 40 * DAY, rule)).toEqual([
      "images/old",
      "images/mid",
    ]);
  });
});

describe("the clock file's history", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("records each new offset once, and reads a file from before the history as one offset", () => {
    dir = mkdtempSync(path.join(tmpdir(), "clock-history-"));
    expect(readClockHistory(dir)).toEqual([]);
    writeClockOffset(dir, DAY);
    writeClockOffset(dir, DAY);
    writeClockOffset(dir, 2 * DAY);
    expect(readClockHistory(dir).map((c) => c.offsetMs)).toEqual([DAY, 2 * DAY]);
    writeFileSync(path.join(dir, "harness-clock.json"), JSON.stringify({ offsetMs: 3 * DAY }));
    expect(readClockHistory(dir)).toEqual([{ fromMs: 0, offsetMs: 3 * DAY }]);
  });
});
