/**
 * `profile: "production"`, the consistency rows of production KV's behaviour: replication
 * delay (a write reaches other locations within 60 s, a first read elsewhere can be missing or
 * stale), the writer seeing its own write, per-location edge caches with one entry per key for
 * every read form, negative caching, cached and eventually consistent list pages, opaque cursors
 * and `cacheStatus`. Statements about "some key" use 20 keys: with delays drawn from 60 s, every
 * one of them arriving within the few seconds a busy machine takes is not a real possibility.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

const KEYS = 20;
let delayed: ProbeHarness;
let instant: ProbeHarness;
let n = 0;
let p: string;
beforeAll(async () => {
  [delayed, instant] = await Promise.all([
    createProbeHarness({ isolates: 2, profile: "production", seed: 11 }),
    createProbeHarness({ isolates: 2, profile: "production", replicationWindowMs: 0 }),
  ]);
});
afterAll(() => Promise.all([delayed?.harness.dispose(), instant?.harness.dispose()]));
beforeEach(() => {
  p = `cons${++n}:`;
});

const keys = () => Array.from({ length: KEYS }, (_, i) => `${p}${i}`);
const putAll = (h: ProbeHarness, isolate: number, value: string) =>
  Promise.all(keys().map((k) => h.call(`LAYER_${isolate}`, "put", k, value)));
const readAll = (h: ProbeHarness, isolate: number) =>
  Promise.all(keys().map((k) => h.call(`LAYER_${isolate}`, "get", k)));

describe("replication delay", () => {
  it("a write reaches every other location within 60 s; a first read there can miss it; the writer sees it at once", async () => {
    await putAll(delayed, 0, "v1");
    expect(await readAll(delayed, 0)).toEqual(keys().map(() => "v1"));
    const history: unknown[][] = [await readAll(delayed, 1)];
    for (let step = 0; step < 6; step++) {
      await delayed.harness.clock.advance(10_000);
      history.push(await readAll(delayed, 1));
    }
    await delayed.harness.clock.advance(1000);
    history.push(await readAll(delayed, 1));
    expect(history[0]).toContain(null);
    expect(history.at(-1)).toEqual(keys().map(() => "v1"));
    // Each key goes from missing to present once, and never back.
    for (let k = 0; k < KEYS; k++) {
      const seen = history.map((h) => h[k]);
      const first = seen.indexOf("v1");
      expect(seen.slice(0, first).every((v) => v === null)).toBe(true);
      expect(seen.slice(first).every((v) => v === "v1")).toBe(true);
    }
  });

  it("an update is stale at a location it has not reached, even on a first read there", async () => {
    await putAll(delayed, 0, "old");
    await delayed.harness.clock.advance(61_000);
    expect(await readAll(delayed, 1)).toEqual(keys().map(() => "old"));
    await putAll(delayed, 0, "new");
    expect(await readAll(delayed, 0)).toEqual(keys().map(() => "new"));
    // Location 1 cached "old" for 60 s; the bulk form sees the same entries.
    const bulk = (await delayed.call("LAYER_1", "get", keys())) as Map<string, string>;
    expect([...bulk.values()]).toEqual(keys().map(() => "old"));
    await delayed.harness.clock.advance(61_000);
    expect(await readAll(delayed, 1)).toEqual(keys().map(() => "new"));
  });

  it("deletes replicate the same way: gone at once for the writer, within 60 s elsewhere", async () => {
    await putAll(delayed, 0, "v");
    await delayed.harness.clock.advance(61_000);
    await Promise.all(keys().map((k) => delayed.call("LAYER_0", "delete", k)));
    expect(await readAll(delayed, 0)).toEqual(keys().map(() => null));
    expect(await readAll(delayed, 1)).toContain("v");
    await delayed.harness.clock.advance(61_000);
    expect(await readAll(delayed, 1)).toEqual(keys().map(() => null));
  });

  it("writerSeesOwnWrites: false: the writing location waits for its own delay too", async () => {
    const own = await createProbeHarness({
      profile: "production",
      writerSeesOwnWrites: false,
      seed: 3,
    });
    try {
      await putAll(own, 0, "v");
      expect(await readAll(own, 0)).toContain(null);
      await own.harness.clock.advance(61_000);
      expect(await readAll(own, 0)).toEqual(keys().map(() => "v"));
    } finally {
      await own.harness.dispose();
    }
  });
});

describe("edge caches", () => {
  it("one entry per key for every read form: all of them see the same (stale) value", async () => {
    const k = `${p}forms`;
    await instant.call("LAYER_0", "put", k, '{"v":1}', { metadata: { m: 1 } });
    await instant.harness.clock.advance(1000);
    expect(await instant.call("LAYER_1", "getWithMetadata", k)).toEqual({
      value: '{"v":1}',
      metadata: { m: 1 },
      cacheStatus: "MISS",
    });
    await instant.call("LAYER_0", "put", k, '{"v":2}', { metadata: { m: 2 } });
    const forms = () =>
      Promise.all([
        instant.call("LAYER_1", "get", k),
        instant.call("LAYER_1", "get", k, "json"),
        instant.call("LAYER_1", "get", k, "arrayBuffer"),
        instant.call("LAYER_1", "get", k, "stream"),
        instant.call("LAYER_1", "get", [k], "json"),
        instant.call("LAYER_1", "getWithMetadata", [k]),
        instant.call("LAYER_1", "getWithMetadata", k, { type: "text" }),
      ]);
    const stale = (v: number) => [
      `{"v":${v}}`,
      { v },
      new TextEncoder().encode(`{"v":${v}}`),
      { $stream: `{"v":${v}}` },
      new Map([[k, { v }]]),
      new Map([[k, { value: `{"v":${v}}`, metadata: { m: v } }]]),
      { value: `{"v":${v}}`, metadata: { m: v }, cacheStatus: "HIT" },
    ];
    expect(await forms()).toEqual(stale(1));
    await instant.harness.clock.advance(61_000);
    const fresh = stale(2);
    fresh[6] = { value: '{"v":2}', metadata: { m: 2 }, cacheStatus: "HIT" };
    const after = await forms();
    expect(after.slice(0, 6)).toEqual(fresh.slice(0, 6));
    expect(after[6]).toMatchObject({ value: '{"v":2}', metadata: { m: 2 } });
  });

  it("a missing key is cached as missing where it was read", async () => {
    const k = `${p}neg`;
    expect(await instant.call("LAYER_1", "get", k)).toBeNull();
    await instant.call("LAYER_0", "put", k, "created");
    expect(await instant.call("LAYER_0", "get", k)).toBe("created");
    expect(await instant.call("LAYER_1", "get", k)).toBeNull();
    expect(await instant.call("LAYER_1", "get", [k])).toEqual(new Map([[k, null]]));
    await instant.harness.clock.advance(61_000);
    expect(await instant.call("LAYER_1", "get", k)).toBe("created");
  });

  it("cacheTtl sets how long the read stays cached; a shorter one sees it expire sooner", async () => {
    const k = `${p}ttl`;
    await instant.call("LAYER_0", "put", k, "old");
    await instant.harness.clock.advance(1000);
    expect(await instant.call("LAYER_1", "get", k, { cacheTtl: 300 })).toBe("old");
    await instant.call("LAYER_0", "put", k, "new");
    await instant.harness.clock.advance(61_000);
    expect(await instant.call("LAYER_1", "get", k, { cacheTtl: 300 })).toBe("old");
    // Read with the default 60 s, the same entry is too old to serve.
    expect(await instant.call("LAYER_1", "get", k)).toBe("new");
  });

  it("cacheStatus: MISS when the store answers, HIT when the edge cache does, per location", async () => {
    const k = `${p}status`;
    await instant.call("LAYER_0", "put", k, "v");
    const status = async (isolate: number) =>
      ((await instant.call(`LAYER_${isolate}`, "getWithMetadata", k)) as { cacheStatus: string })
        .cacheStatus;
    expect(await status(1)).toBe("MISS");
    expect(await status(1)).toBe("HIT");
    expect(await status(0)).toBe("MISS");
    const list = async () =>
      ((await instant.call("LAYER_1", "list", { prefix: k })) as { cacheStatus: string })
        .cacheStatus;
    expect(await list()).toBe("MISS");
    expect(await list()).toBe("HIT");
  });
});

describe("list", () => {
  it("pages are cached per location and converge within the window", async () => {
    const names = async (isolate: number) =>
      (
        (await instant.call(`LAYER_${isolate}`, "list", { prefix: p })) as {
          keys: { name: string }[];
        }
      ).keys.map((k) => k.name);
    await instant.call("LAYER_0", "put", `${p}1`, "x");
    expect(await names(1)).toEqual([`${p}1`]);
    await instant.call("LAYER_0", "put", `${p}2`, "x");
    expect(await names(0)).toEqual([`${p}1`, `${p}2`]);
    expect(await names(1)).toEqual([`${p}1`]);
    await instant.harness.clock.advance(61_000);
    expect(await names(1)).toEqual([`${p}1`, `${p}2`]);
  });

  it("a page can be empty while list_complete is false (keys not yet replicated there)", async () => {
    const prefixes = keys().map((k) => `${k}/`);
    await Promise.all(prefixes.map((q) => delayed.call("LAYER_0", "put", `${q}b`, "old")));
    await delayed.harness.clock.advance(61_000);
    await Promise.all(prefixes.map((q) => delayed.call("LAYER_0", "put", `${q}a`, "new")));
    const pages = await Promise.all(
      prefixes.map(async (q) => {
        const first = (await delayed.call("LAYER_1", "list", { prefix: q, limit: 1 })) as {
          keys: { name: string }[];
          list_complete: boolean;
          cursor?: string;
        };
        const rest = first.list_complete
          ? { keys: [] }
          : ((await delayed.call("LAYER_1", "list", { prefix: q, cursor: first.cursor })) as {
              keys: { name: string }[];
            });
        return { first, all: [...first.keys, ...rest.keys].map((k) => k.name.slice(q.length)) };
      }),
    );
    expect(pages.some((pg) => pg.first.keys.length === 0 && !pg.first.list_complete)).toBe(true);
    for (const pg of pages) expect(pg.all).toContain("b");
  });

  it("cursors are opaque: the layer refuses one it did not issue, as KV refuses bad input", async () => {
    for (const k of ["a", "b", "c"]) await instant.call("LAYER_0", "put", `${p}${k}`, k);
    const first = (await instant.call("LAYER_0", "list", { prefix: p, limit: 1 })) as {
      cursor: string;
    };
    expect(first.cursor).not.toContain(btoa(`${p}a`));
    const next = (await instant.call("LAYER_0", "list", {
      prefix: p,
      limit: 1,
      cursor: first.cursor,
    })) as { keys: { name: string }[] };
    expect(next.keys.map((k) => k.name)).toEqual([`${p}b`]);
    const refused = (cursor: string) =>
      instant.call("LAYER_0", "list", { prefix: p, cursor }).then(
        () => "accepted",
        (e: Error) => e.message,
      );
    // Miniflare's own cursor format (base64 of the last key), a tampered token, garbage.
    expect(await refused(btoa(`${p}a`))).toBe("KV GET failed: 400 Invalid cursor");
    const tampered = `${first.cursor.slice(0, 8)}${first.cursor[8] === "A" ? "B" : "A"}${first.cursor.slice(9)}`;
    expect(await refused(tampered)).toBe("KV GET failed: 400 Invalid cursor");
    expect(await refused("not a cursor")).toBe("KV GET failed: 400 Invalid cursor");
  });
});
