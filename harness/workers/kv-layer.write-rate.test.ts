/**
 * The production profile's same-key write limit under any concurrency, as a property (fast-check)
 * over random interleavings of puts made by the Worker in three isolates (three share workers,
 * each its own location, each request through its own entry worker) to a few keys, some concurrent, some
 * started only after the one before finished, with and without a burst allowance. Checked from
 * outside, on real workerd: per key and per second of virtual time that the round spanned, at
 * most `1 + burst` puts are accepted; every other put gets production's exact 429; the stored
 * value is an accepted put's and never one a later accepted put replaced; counters agree; once
 * the replication window has passed, every location reads the stored value.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

const ISOLATES = 3;
/** Longer than the default replication window (60 s): every write has reached every location. */
const REPLICATED_MS = 61_000;
/** Random plans per burst setting; with up to 2 rounds of 10 puts each. */
const RUNS = 25;
const harnesses: Record<number, ProbeHarness> = {};
beforeAll(async () => {
  const [strict, bursty] = await Promise.all([
    createProbeHarness({ isolates: ISOLATES, profile: "production" }),
    createProbeHarness({ isolates: ISOLATES, profile: "production", writeRate: { burst: 2 } }),
  ]);
  harnesses[0] = strict;
  harnesses[2] = bursty;
});
afterAll(() => Promise.all(Object.values(harnesses).map((h) => h.harness.dispose())));

interface Put {
  isolate: number;
  key: number;
  /** Start only once the previous put of the round has finished. */
  afterPrevious: boolean;
}

const put = fc.record({
  isolate: fc.nat({ max: ISOLATES - 1 }),
  key: fc.nat({ max: 2 }),
  afterPrevious: fc.boolean(),
});
const rounds = fc.array(fc.array(put, { minLength: 1, maxLength: 10 }), {
  minLength: 1,
  maxLength: 2,
});

interface Outcome {
  key: string;
  value: string;
  ok: boolean;
  message?: string;
  /** Indexes of accepted-or-not puts on the same key that had finished before this one started. */
  after: number[];
}

let run = 0;
/** Every put of the file writes its own value, `v<seq>`. */
let seq = 0;

async function playRound(
  h: ProbeHarness,
  prefix: string,
  puts: Put[],
): Promise<{
  outcomes: Outcome[];
  elapsed: number;
}> {
  const started = h.harness.clock.now();
  const outcomes: Outcome[] = [];
  const finished: boolean[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  const all = puts.map((p, i) => {
    const key = `${prefix}${p.key}`;
    const n = ++seq;
    const value = `v${n}`;
    const start = p.afterPrevious ? previous : Promise.resolve();
    const done = start.then(async () => {
      const after = outcomes.flatMap((o, j) => (finished[j] && o.key === key ? [j] : []));
      const outcome: Outcome = { key, value, ok: true, after };
      outcomes[i] = outcome;
      try {
        // A request to share worker isolate `p.isolate`: the put is made by the Worker there.
        await h.workerScenario("putValue", key, n, p.isolate);
      } catch (e) {
        outcome.ok = false;
        outcome.message = (e as Error).message;
      }
      finished[i] = true;
    });
    previous = done;
    return done;
  });
  await Promise.all(all);
  return { outcomes, elapsed: h.harness.clock.now() - started };
}

describe("production profile: same-key write limit under concurrency", () => {
  for (const burst of [0, 2]) {
    it(`holds for random interleavings from ${ISOLATES} isolates (burst ${burst})`, async () => {
      const h = harnesses[burst]!;
      await fc.assert(
        fc.asyncProperty(rounds, async (plan) => {
          const prefix = `wr${burst}-${++run}:`;
          const stored: Record<string, string | null> = {};
          for (const puts of plan) {
            const before = (await h.harness.counters()).total.rateLimited;
            const { outcomes, elapsed } = await playRound(h, prefix, puts);
            const windows = 1 + Math.floor(elapsed / 1000);
            const refused = outcomes.filter((o) => !o.ok);
            for (const o of refused) expect(o.message).toBe("KV PUT failed: 429 Too Many Requests");
            expect((await h.harness.counters()).total.rateLimited - before).toBe(refused.length);
            for (const key of new Set(outcomes.map((o) => o.key))) {
              const accepted = outcomes.filter((o) => o.key === key && o.ok);
              expect(accepted.length).toBeLessThanOrEqual((1 + burst) * windows);
              const value = await h.harness.kv.get(key);
              if (accepted.length === 0) {
                expect(value).toBe(stored[key] ?? null);
              } else {
                // An accepted put, and not one that a put started after it replaced.
                const winner = accepted.find((o) => o.value === value);
                expect(winner, `${key} holds ${value}`).toBeDefined();
                const replaced = accepted.some((o) => o.after.includes(outcomes.indexOf(winner!)));
                expect(replaced, `${value} was overwritten by a later accepted put`).toBe(false);
              }
              stored[key] = value;
            }
            // Past the replication window every location reads what the store holds: an older
            // accepted write never arrives after a newer one and overrides it anywhere.
            await h.harness.clock.advance(REPLICATED_MS);
            const reads = [...new Set(outcomes.map((o) => o.key))].flatMap((key) =>
              Array.from({ length: ISOLATES }, async (_, i) => ({
                where: `${key} at ${i}`,
                value: await h.call(`LAYER_${i}`, "get", key),
                expected: stored[key],
              })),
            );
            for (const r of await Promise.all(reads)) expect(r.value, r.where).toBe(r.expected);
          }
        }),
        { numRuns: RUNS, seed: 20_261_201 },
      );
      // Each run is a few dozen KV calls through workerd: seconds on a quiet machine, a minute
      // or more on a loaded one.
    }, 240_000);
  }

  it("20 concurrent puts to one key from one invocation: one accepted per second that passed", async () => {
    const h = harnesses[0]!;
    const started = h.harness.clock.now();
    const { results, stored } = (await h.scenario("LAYER_1", "concurrentPuts", "hot:one", 20)) as {
      results: { i: number; ok: boolean; message?: string }[];
      stored: string;
    };
    const elapsed = h.harness.clock.now() - started;
    const accepted = results.filter((r) => r.ok);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));
    expect(accepted.map((r) => `v${r.i}`)).toContain(stored);
  });
});
