import { describe, expect, it } from "vitest";
import {
  createShareId,
  encodeShareRecord,
  LEGACY_LIST_KEY as WORKER_LEGACY_KEY,
} from "../../../src/shares/record.js";
import { keyKind, LEGACY_LIST_KEY, searchKey, shareIdOf } from "./key-kind.js";

describe("keyKind", () => {
  it("tells the Worker's shares from legacy ones and from the legacy share:list index", () => {
    const timestamp = Date.parse("2026-11-20T10:00:00Z");
    const { key, metadata } = encodeShareRecord({
      id: createShareId(timestamp, "KINDTEST"),
      generatedUrl: "https://images.example.com/g.png",
      originalUrl: "https://images.example.com/o.png",
      prompt: "a fox",
      style: "ink",
      timestamp,
      createdAt: new Date(timestamp).toISOString(),
    });
    expect(LEGACY_LIST_KEY).toBe(WORKER_LEGACY_KEY);
    expect(keyKind(key, metadata)).toBe("share");
    expect(keyKind("share:1700000000000-abc", undefined)).toBe("legacy-share");
    expect(keyKind("share:list", undefined)).toBe("legacy-index");
    expect(keyKind("config:flags", { v: 1, ts: 1 })).toBe("other");
  });
});

describe("searchKey and shareIdOf", () => {
  it("turns a pasted share id into its key and keeps a full key as typed", () => {
    expect(searchKey("  0V8F9K2M1AKINDTEST ")).toBe("share:0V8F9K2M1AKINDTEST");
    expect(searchKey("share:list")).toBe("share:list");
    expect(searchKey("   ")).toBeUndefined();
    expect(shareIdOf("share:0V8F9K2M1AKINDTEST")).toBe("0V8F9K2M1AKINDTEST");
    expect(shareIdOf("share:list")).toBeUndefined();
  });
});
