import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Replication, type ReplicationOptions } from "./replication.js";
import type { StoredEntry } from "./virtual-store.js";

const entry = (text: string): StoredEntry => ({
  bytes: new TextEncoder().encode(text),
  metadata: null,
});
const text = (seen: { entry: StoredEntry | null } | undefined) =>
  seen === undefined
    ? "current"
    : seen.entry === null
      ? null
      : new TextDecoder().decode(seen.entry.bytes);
const options = (o: Partial<ReplicationOptions> = {}): ReplicationOptions => ({
  windowMs: 60_000,
  seed: 1,
  writerSeesOwnWrites: true,
  locations: 4,
  ...o,
});

describe("Replication", () => {
  it("the writer sees its write at once; every other location within the window, then all agree", () => {
    const r = new Replication(options());
    r.record("k", entry("new"), 0, 1000, entry("old"));
    expect(text(r.visible("k", 0, 1000))).toBe("current");
    const others = [1, 2, 3].map((loc) => r.nextArrival("k", loc, 1000));
    for (const at of others) {
      expect(at).toBeGreaterThan(1000);
      expect(at).toBeLessThanOrEqual(61_000);
    }
    for (const loc of [1, 2, 3]) {
      expect(text(r.visible("k", loc, others[loc - 1]! - 1))).toBe("old");
      expect(text(r.visible("k", loc, others[loc - 1]!))).toBe("current");
    }
    expect(r.tracks("k", 61_000)).toBe(false);
  });

  it("draws the same delays for the same seed, key and write; others for another seed", () => {
    const arrivals = (seed: number) => {
      const r = new Replication(options({ seed }));
      r.record("k", entry("v"), 0, 0, null);
      return [1, 2, 3].map((loc) => r.nextArrival("k", loc, 0));
    };
    expect(arrivals(5)).toEqual(arrivals(5));
    expect(arrivals(5)).not.toEqual(arrivals(6));
  });

  it("writerSeesOwnWrites: false draws the writer's delay too", () => {
    const r = new Replication(options({ writerSeesOwnWrites: false, seed: 9 }));
    r.record("k", entry("v"), 0, 0, null);
    expect(r.nextArrival("k", 0, 0)).toBeGreaterThan(0);
    expect(text(r.visible("k", 0, 0))).toBe(null);
  });

  it("a location sees the newest write that reached it, never going back to an older one", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 30_000 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer(),
        (gaps, seed) => {
          const r = new Replication(options({ seed }));
          let at = 0;
          const writes = gaps.map(([writer, gap]) => ({ writer, at: (at += gap) }));
          // Time only moves forward, as in the layer: record writes as their time comes.
          const newest = [-1, -1, -1, -1];
          let recorded = 0;
          for (let t = 0; t <= at + 61_000; t += 997) {
            while (recorded < writes.length && writes[recorded]!.at <= t) {
              const w = writes[recorded]!;
              const base = recorded === 0 ? "base" : `w${recorded - 1}`;
              r.record("k", entry(`w${recorded}`), w.writer, w.at, entry(base));
              recorded += 1;
            }
            for (let loc = 0; loc < 4; loc++) {
              const seen = text(r.visible("k", loc, t));
              const index =
                seen === "current" ? recorded - 1 : seen === "base" ? -1 : Number(seen!.slice(1));
              expect(index).toBeGreaterThanOrEqual(newest[loc]!);
              newest[loc] = index;
            }
          }
          expect(newest).toEqual([0, 1, 2, 3].map(() => writes.length - 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("forgets a key when told (direct store access is seen everywhere at once)", () => {
    const r = new Replication(options());
    r.record("k", entry("v"), 0, 0, null);
    r.forget("k");
    expect(r.visible("k", 1, 0)).toBeUndefined();
  });
});
