/**
 * The production profile against a small reference model of production KV, as a fast-check
 * property: seeded random plans of concurrent puts (some expiring after 60 s), deletes, gets,
 * bulk gets and lists from three locations (isolates) to a few keys, with the virtual clock moved
 * between batches. Every call's start and end are taken on the virtual clock, and the model
 * says, from those intervals alone:
 *
 * - a write is refused with `KV <PUT|DELETE> failed: 429 Too Many Requests` only when another
 *   accepted write to the key may have arrived less than a second before it, and no two accepted
 *   writes to one key are surely less than a second apart;
 * - a read returns the key's first state or an accepted write's value, never a refused one's, and
 *   never one that a later accepted write has surely replaced where it reads (at the writer once
 *   that write returned; anywhere 60 s after it returned), and never one surely expired;
 * - a list page names a key only if some read there may see it, and every key all reads there
 *   must see;
 * - once 60 s pass with no write, every location reads what the store holds, the store holds
 *   the last accepted write, and lists name exactly the stored keys.
 *
 * `KV_MODEL_SEED=<n>` replays another seed; fast-check prints the seed and path of a failure.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

const LOCATIONS = 3;
const KEYS = 3;
/** Production's replication window and default cache TTL (the harness's defaults). */
const WINDOW_MS = 60_000;
/** The TTL of the plans' expiring puts: the shortest KV accepts. */
const TTL_S = 60;
const SEED = Number(process.env.KV_MODEL_SEED ?? 20_261_202);
const RUNS = Number(process.env.KV_MODEL_RUNS ?? 20);

let h: ProbeHarness;
beforeAll(async () => {
  h = await createProbeHarness({ isolates: LOCATIONS, profile: "production", seed: 7 });
});
afterAll(() => h?.harness.dispose());

type Op =
  | { kind: "put"; key: number; at: number; ttl: boolean }
  | { kind: "delete" | "get"; key: number; at: number }
  | { kind: "list"; at: number }
  | { kind: "bulk"; at: number };
/** `lag`: real ms before the call starts, so calls of a batch also overlap part-way. */
type Step = { advance: number } | { batch: { op: Op; lag: number }[] };

const location = fc.nat({ max: LOCATIONS - 1 });
const keyIndex = fc.nat({ max: KEYS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("put" as const),
    key: keyIndex,
    at: location,
    ttl: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom("delete" as const), key: keyIndex, at: location }),
  fc.record({ kind: fc.constantFrom("get" as const), key: keyIndex, at: location }),
  fc.record({ kind: fc.constantFrom("list" as const), at: location }),
  fc.record({ kind: fc.constantFrom("bulk" as const), at: location }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      batch: fc.array(fc.record({ op, lag: fc.constantFrom(0, 0, 1, 3) }), {
        minLength: 1,
        maxLength: 6,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ advance: fc.constantFrom(300, 1100, 20_000, 61_000) }) },
);
const plan = fc.array(step, { minLength: 2, maxLength: 8 });

/** A write as the model sees it: its value (`null`: a delete) and when it ran. */
interface Write {
  key: string;
  value: string | null;
  /** Put with `expirationTtl: 60`. */
  ttl: boolean;
  at: number;
  start: number;
  end: number;
  ok: boolean;
  message?: string;
}

interface Read {
  at: number;
  start: number;
  end: number;
}

/** `b` was surely accepted after `a`: it started after `a` returned. */
const surelyAfter = (a: Write, b: Write) => b.start > a.end;

/** Whether `b` must be visible at `at` to a call that started at `start`. */
function mustSee(b: Write, at: number, start: number): boolean {
  return (b.at === at && b.end <= start) || start >= b.end + WINDOW_MS;
}

/**
 * What a write leaves for a read: its value, and nothing (null) once its TTL may have run out.
 * The expiration is whole seconds from a moment within the put: up to 1 s before end + TTL.
 */
function leaves(a: Write, read: Read): (string | null)[] {
  if (!a.ttl) return [a.value];
  if (read.start >= a.end + TTL_S * 1000) return [null];
  return read.end >= a.start + (TTL_S - 1) * 1000 ? [a.value, null] : [a.value];
}

/** What a read of `key` at `read.at` may return: the first state (null) or accepted values. */
function allowed(writes: Write[], key: string, read: Read): Set<string | null> {
  const accepted = writes.filter((w) => w.key === key && w.ok);
  const out = new Set<string | null>();
  if (!accepted.some((b) => mustSee(b, read.at, read.start))) out.add(null);
  for (const a of accepted) {
    if (a.start > read.end) continue;
    const replaced = accepted.some((b) => surelyAfter(a, b) && mustSee(b, read.at, read.start));
    if (!replaced) for (const v of leaves(a, read)) out.add(v);
  }
  return out;
}

/** Refusals and acceptances of one key's writes against the 1 write/s limit. */
function checkWriteLimit(writes: Write[]): void {
  for (const w of writes) {
    if (w.ok) continue;
    const method = w.value === null ? "DELETE" : "PUT";
    expect(w.message, `refused ${method} of ${w.key}`).toBe(
      `KV ${method} failed: 429 Too Many Requests`,
    );
    const conflict = writes.some(
      (a) => a.ok && a.key === w.key && a.start <= w.end && w.start - a.end < 1000,
    );
    expect(conflict, `${method} of ${w.key} refused with no accepted write within 1 s`).toBe(true);
  }
  const accepted = writes.filter((w) => w.ok);
  for (const [i, a] of accepted.entries()) {
    for (const b of accepted.slice(i + 1)) {
      if (a.key !== b.key) continue;
      const widest = Math.max(b.end - a.start, a.end - b.start);
      expect(widest, `two writes of ${a.key} accepted within 1 s`).toBeGreaterThanOrEqual(1000);
    }
  }
}

let run = 0;
let seq = 0;

async function play(steps: Step[]): Promise<void> {
  const prefix = `model${++run}:`;
  const keys = Array.from({ length: KEYS }, (_, i) => `${prefix}${i}`);
  const writes: Write[] = [];
  const now = () => h.harness.clock.now();
  for (const s of steps) {
    if ("advance" in s) {
      await h.harness.clock.advance(s.advance);
      continue;
    }
    await Promise.all(
      s.batch.map(async ({ op: o, lag }) => {
        if (lag > 0) await new Promise((resolve) => setTimeout(resolve, lag));
        const target = `LAYER_${o.at}`;
        if (o.kind === "list") {
          const read: Read = { at: o.at, start: now(), end: 0 };
          const page = (await h.call(target, "list", { prefix })) as {
            keys: { name: string }[];
            list_complete: boolean;
          };
          read.end = now();
          expect(page.list_complete).toBe(true);
          const names = page.keys.map((k) => k.name);
          for (const key of keys) {
            const may = allowed(writes, key, read);
            const where = `list at ${o.at} [${read.start}, ${read.end}]: ${key}`;
            if (names.includes(key))
              expect(
                [...may].some((v) => v !== null),
                where,
              ).toBe(true);
            else expect(may.has(null), where).toBe(true);
          }
          return;
        }
        if (o.kind === "bulk") {
          // One bulk read: every key's value is one a read of that key alone may return.
          const read: Read = { at: o.at, start: now(), end: 0 };
          const values = (await h.call(target, "get", keys)) as Map<string, string | null>;
          read.end = now();
          for (const key of keys) {
            const may = allowed(writes, key, read);
            expect(may.has(values.get(key)!), `bulk get at ${o.at}: ${key}`).toBe(true);
          }
          return;
        }
        const key = keys[o.key]!;
        if (o.kind === "get") {
          const read: Read = { at: o.at, start: now(), end: 0 };
          const value = (await h.call(target, "get", key)) as string | null;
          read.end = now();
          const may = allowed(writes, key, read);
          expect(
            may.has(value),
            `get ${key} at ${o.at} [${read.start}, ${read.end}] read ${value}, may read ${[...may]}`,
          ).toBe(true);
          return;
        }
        const value = o.kind === "put" ? `v${++seq}` : null;
        const ttl = o.kind === "put" && o.ttl;
        // Until it returns, a write may still be arriving: its end is unknown.
        const write: Write = { key, value, ttl, at: o.at, start: now(), end: Infinity, ok: true };
        writes.push(write);
        try {
          await (value === null
            ? h.call(target, "delete", key)
            : h.call(target, "put", key, value, ttl ? { expirationTtl: TTL_S } : {}));
        } catch (e) {
          write.ok = false;
          write.message = (e as Error).message;
        }
        write.end = now();
      }),
    );
  }
  checkWriteLimit(writes);
  // Converged: the store holds a last accepted write; every location reads it and lists it.
  await h.harness.clock.advance(WINDOW_MS + 1000);
  const stored: Record<string, string | null> = {};
  for (const key of keys) {
    const accepted = writes.filter((w) => w.key === key && w.ok);
    // More than the TTL has passed since every write: an expiring one leaves nothing.
    const last = accepted
      .filter((a) => !accepted.some((b) => surelyAfter(a, b)))
      .map((a) => (a.ttl ? null : a.value));
    const value = (await h.harness.kv.get(key)) as string | null;
    if (accepted.length === 0) expect(value, `${key} was never written`).toBeNull();
    else expect(last, `${key} holds the last accepted write`).toContain(value);
    stored[key] = value;
  }
  const live = keys.filter((k) => stored[k] !== null);
  for (let at = 0; at < LOCATIONS; at++) {
    const values = (await h.call(`LAYER_${at}`, "get", keys)) as Map<string, string | null>;
    expect(Object.fromEntries(values), `reads at ${at}`).toEqual(stored);
    const page = (await h.call(`LAYER_${at}`, "list", { prefix })) as {
      keys: { name: string }[];
    };
    expect(
      page.keys.map((k) => k.name),
      `list at ${at}`,
    ).toEqual(live);
  }
}

describe("production profile against the reference model", () => {
  it("concurrent puts, deletes, gets and lists from 3 locations keep to the model", async () => {
    await fc.assert(
      fc.asyncProperty(plan, (steps) => play(steps)),
      { numRuns: RUNS, seed: SEED },
    );
  }, 240_000);
});
