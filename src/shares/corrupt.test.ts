import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { isolate, resetIsolateState } from "../state.js";
import { clearCorrupt, countedCorrupt, MAX_CORRUPT_KEYS, noteCorrupt } from "./corrupt.js";

/** The `corrupt_record` lines an operator would see, parsed. */
function corruptLines(log: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return log.mock.calls
    .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
    .filter((line) => line.event === "corrupt_record");
}

describe("corrupt records in this isolate", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    resetIsolateState();
    log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  });
  afterEach(() => log.mockRestore());

  it("logs a corrupt key once, with its reason, however often it is read", () => {
    noteCorrupt(isolate, "share:a", "not JSON", true);
    noteCorrupt(isolate, "share:a", "not JSON", true);
    noteCorrupt(isolate, "share:b", "missing field id", false);
    expect(corruptLines(log)).toEqual([
      { level: "warn", event: "corrupt_record", key: "share:a", reason: "not JSON" },
      { level: "warn", event: "corrupt_record", key: "share:b", reason: "missing field id" },
    ]);
  });

  it("counts a key as a share once any read found its metadata counted it", () => {
    noteCorrupt(isolate, "share:a", "not JSON", false);
    expect(countedCorrupt(isolate)).toBe(0);
    noteCorrupt(isolate, "share:a", "not JSON", true);
    noteCorrupt(isolate, "share:b", "not JSON", true);
    noteCorrupt(isolate, "share:b", "not JSON", false);
    noteCorrupt(isolate, "share:c", "not JSON", false);
    expect(countedCorrupt(isolate)).toBe(2);
  });

  it("forgets a key read back valid or deleted, and logs it again if it turns corrupt again", () => {
    noteCorrupt(isolate, "share:a", "not JSON", true);
    clearCorrupt(isolate, "share:a");
    expect(countedCorrupt(isolate)).toBe(0);
    noteCorrupt(isolate, "share:a", "bad date", true);
    expect(corruptLines(log).map((l) => l.reason)).toEqual(["not JSON", "bad date"]);
  });

  it(`remembers at most ${MAX_CORRUPT_KEYS} keys and logs a long key cut to 600 characters`, () => {
    for (let i = 0; i <= MAX_CORRUPT_KEYS; i++) noteCorrupt(isolate, `share:${i}`, "x", true);
    expect(countedCorrupt(isolate)).toBe(MAX_CORRUPT_KEYS);
    expect(corruptLines(log)).toHaveLength(MAX_CORRUPT_KEYS);
    resetIsolateState();
    log.mockClear();
    noteCorrupt(isolate, `share:${"k".repeat(1000)}`, "x", true);
    expect(corruptLines(log)[0]!.key).toBe(`share:${"k".repeat(594)}`);
  });
});
