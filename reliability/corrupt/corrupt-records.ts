/**
 * @module reliability/corrupt/corrupt-records
 * KV entries under `share:` that no correct writer produces: invalid JSON, the wrong shape, a huge
 * value, binary bytes, metadata that promises a record the value does not hold, and the guide's
 * `share:list` index naming ids whose records are gone.
 */
import type { KvSnapshotEntry } from "../../harness/types.js";
import { LEGACY_LIST_KEY, shareKey } from "../../src/shares/record.js";

export interface CorruptCase {
  name: string;
  entry: KvSnapshotEntry;
}

/** Huge, but well under KV's 25 MiB value limit. */
export const HUGE_VALUE_BYTES = 3 * 1024 * 1024;

/** Every case is a share id the API accepts, so GET /api/share/:id reaches storage. */
export function corruptCases(nowMs: number): CorruptCase[] {
  const expiration = Math.floor(nowMs / 1000) + 24 * 3600;
  const legacy = (name: string, value: string): CorruptCase => ({
    name,
    entry: { key: shareKey(`corrupt-${name}`), value, expiration },
  });
  const binary = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0x7b, 0x22]);
  return [
    legacy("invalid-json", '{"id":"corrupt-invalid-json","prompt":'),
    legacy("wrong-shape-object", '{"id":1,"prompt":["not","a","string"],"timestamp":"yesterday"}'),
    legacy("wrong-shape-array", "[]"),
    legacy("wrong-shape-null", "null"),
    legacy("wrong-shape-string", '"share"'),
    legacy("huge", `{"id":"corrupt-huge","prompt":"${"x".repeat(HUGE_VALUE_BYTES)}`),
    {
      name: "binary",
      entry: {
        key: shareKey("corrupt-binary"),
        value: Buffer.from(binary).toString("base64"),
        encoding: "base64",
        expiration,
      },
    },
    {
      // Our metadata says "read the value" (full:false), and the value is garbage.
      name: "partial-metadata",
      entry: {
        key: shareKey("corrupt-partial-metadata"),
        value: "\u0000\u0001not json",
        metadata: { v: 1, ts: nowMs - 1000, r2: false, full: false },
        expiration,
      },
    },
    {
      // Metadata that looks like ours but is not (ts is not a number): treated as legacy.
      name: "bad-metadata",
      entry: {
        key: shareKey("corrupt-bad-metadata"),
        value: "{}",
        metadata: { v: 1, ts: "x" },
        expiration,
      },
    },
  ];
}

/** The guide's index, naming ids whose records do not exist (plus `alsoList`). */
export function staleLegacyList(alsoList: string[], expiration: number): KvSnapshotEntry {
  return {
    key: LEGACY_LIST_KEY,
    value: JSON.stringify(["gone-1", "gone-2", ...alsoList, "gone-3"]),
    expiration,
  };
}
