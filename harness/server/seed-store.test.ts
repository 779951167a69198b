import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeShareRecord } from "../../src/shares/record.js";
import { SHARE_TTL_SECONDS, shareDataSchema } from "../../src/shares/schema.js";
import { createShareHarness } from "../share/index.js";
import type { Harness, KvSnapshot } from "../types.js";
import { placeholderPng } from "./placeholder-image.js";
import { oldestSeedAnchor, seedAnchor, seedShares } from "./seed-store.js";

const COUNT = 40;
/** A fixed reference time keeps this file's shares the same from run to run. */
let now: number;
let first: Harness;
let second: Harness;

const progress: number[] = [];
let seeded: Awaited<ReturnType<typeof seedShares>>;

// Both stores are seeded once, here, so each test below holds in any order.
beforeAll(async () => {
  [first, second] = await Promise.all([
    createShareHarness({ persistTo: "temp" }),
    createShareHarness({ persistTo: "temp" }),
  ]);
  now = seedAnchor(first.clock.now());
  seeded = await seedShares(first, {
    count: COUNT,
    seed: 42,
    now,
    onProgress: (n) => progress.push(n),
  });
  await seedShares(second, { count: COUNT, seed: 42, now });
});

afterAll(async () => {
  await Promise.all([first?.dispose(), second?.dispose()]);
});

const entriesOf = (snapshot: KvSnapshot): string => JSON.stringify(snapshot.entries);

describe("seedShares", () => {
  it("writes byte-identical stores for the same seed", async () => {
    expect(seeded.written).toBe(COUNT);
    expect(progress.at(-1)).toBe(COUNT);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const [a, b] = await Promise.all([first.kv.snapshot(), second.kv.snapshot()]);
    expect(a.entries).toHaveLength(COUNT);
    expect(entriesOf(a)).toBe(entriesOf(b));
  });

  it("stores each share exactly as the Worker's create path would, expiring 30 days after it was made", async () => {
    const { entries } = await first.kv.snapshot();
    for (const entry of entries) {
      const share = shareDataSchema.parse(JSON.parse(entry.value));
      const record = encodeShareRecord(share);
      expect(entry.key).toBe(record.key);
      expect(entry.value).toBe(record.value);
      expect(entry.metadata).toEqual(record.metadata);
      expect(entry.expiration).toBe(Math.floor(share.timestamp / 1000) + SHARE_TTL_SECONDS);
    }
  });

  it("gives shares the Worker serves and lists", async () => {
    const { entries } = await first.kv.snapshot();
    const share = JSON.parse(entries[0]!.value) as { id: string };
    const res = await first.fetch(`/api/share/${share.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(JSON.parse(entries[0]!.value));
    const list = await first.fetch(`/api/shares?limit=5`);
    expect(list.status).toBe(200);
  });

  it("puts an image in R2 for exactly the shares it marks stored, and the Worker serves it", async () => {
    const { entries } = await first.kv.snapshot();
    const shares = entries.map((e) => shareDataSchema.parse(JSON.parse(e.value)));
    const stored = shares.filter((s) => s.isR2Stored).map((s) => `images/${s.id}`);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(COUNT);
    expect((await first.r2.list("images/")).sort()).toEqual(stored.sort());

    const share = shares.find((s) => s.isR2Stored)!;
    const image = await first.fetch(`/images/${share.id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(placeholderPng(share.generatedUrl));
    const page = await (await first.fetch(`/s/${share.id}`)).text();
    expect(page).toContain(`/images/${share.id}`);
  });

  it("writes different shares for a different seed", async () => {
    const other = await createShareHarness({ persistTo: "temp" });
    try {
      await seedShares(other, { count: COUNT, seed: 43, now });
      const [a, b] = await Promise.all([first.kv.snapshot(), other.kv.snapshot()]);
      expect(b.entries).toHaveLength(COUNT);
      const keysA = new Set(a.entries.map((e) => e.key));
      expect(b.entries.filter((e) => keysA.has(e.key))).toEqual([]);
    } finally {
      await other.dispose();
    }
  });

  it("anchors shares at the start of the UTC day, late enough that none has expired", () => {
    const evening = Date.parse("2026-11-25T20:00:00Z");
    expect(seedAnchor(evening)).toBe(Date.parse("2026-11-25T00:00:00Z"));
    // In the last minutes of a day, shares made 29 days before midnight would expire too soon.
    const lateNight = Date.parse("2026-11-25T23:59:30Z");
    expect(seedAnchor(lateNight)).toBe(oldestSeedAnchor(lateNight));
    expect(seedAnchor(lateNight)).toBeGreaterThan(Date.parse("2026-11-25T00:00:00Z"));
  });
});
