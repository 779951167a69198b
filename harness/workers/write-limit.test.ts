import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WriteLimit } from "./write-limit.js";

/** Attempts at increasing virtual times: [key, ms since the previous attempt]. */
const attempts = fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.nat({ max: 700 })), {
  maxLength: 60,
});

describe("WriteLimit", () => {
  it("never accepts more than 1 + burst writes to a key in any 1 s window, and refuses only when full", () => {
    fc.assert(
      fc.property(attempts, fc.nat({ max: 3 }), (steps, burst) => {
        const limit = new WriteLimit({ burst, windowMs: 1000 });
        const accepted: Record<string, number[]> = {};
        let now = 1_000_000;
        for (const [key, gap] of steps) {
          now += gap;
          const inWindow = (accepted[key] ?? []).filter((t) => t > now - 1000).length;
          const ok = limit.tryAcquire(key, now);
          // Accepted exactly when the window still had room.
          expect(ok).toBe(inWindow < 1 + burst);
          if (ok) (accepted[key] ??= []).push(now);
        }
        for (const times of Object.values(accepted)) {
          for (const t of times) {
            expect(times.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(
              1 + burst,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives a released slot back", () => {
    const limit = new WriteLimit({ burst: 0, windowMs: 1000 });
    expect(limit.tryAcquire("k", 10)).toBe(true);
    expect(limit.tryAcquire("k", 20)).toBe(false);
    limit.release("k", 10);
    expect(limit.tryAcquire("k", 30)).toBe(true);
    expect(limit.tryAcquire("k", 1029)).toBe(false);
    expect(limit.tryAcquire("k", 1030)).toBe(true);
  });
});
