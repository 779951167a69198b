/**
 * `profile: "production"`, one test per row of production KV's behaviour (limits, writes to one
 * key, errors, time; see `docs/decisions/kv-model.md`), each seen exactly as a Worker sees it.
 * Consistency rows are in `kv-layer.consistency.test.ts`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

let probe: ProbeHarness;
let n = 0;
let p: string;
beforeAll(async () => {
  probe = await createProbeHarness({ isolates: 2, profile: "production", seed: 7 });
});
afterAll(() => probe?.harness.dispose());
beforeEach(() => {
  p = `prod${++n}:`;
});

const kv = (method: string, ...args: unknown[]) => probe.call("LAYER_0", method, ...args);
const kv1 = (method: string, ...args: unknown[]) => probe.call("LAYER_1", method, ...args);
/** What a call did: `{ value }`, or the error's name and message. */
const failure = (
  promise: Promise<unknown>,
): Promise<{ value?: unknown; name?: string; message?: string }> =>
  promise.then(
    (value) => ({ value }),
    (e: Error & { errorName?: string }) => ({ name: e.errorName, message: e.message }),
  );
const advance = (ms: number) => probe.harness.clock.advance(ms);

describe("limits", () => {
  it("key: 1..512 UTF-8 bytes, not . or ..: TypeError or 414 for every op, bulk keys too", async () => {
    for (const key of ["", ".", ".."]) {
      expect(await failure(kv("get", key))).toMatchObject({ name: "TypeError" });
      expect(await failure(kv("put", key, "v"))).toMatchObject({ name: "TypeError" });
      expect(await failure(kv("delete", key))).toMatchObject({ name: "TypeError" });
    }
    const long = "é".repeat(257); // 514 bytes
    expect(await failure(kv("getWithMetadata", long))).toEqual({
      name: "Error",
      message: "KV GET failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512.",
    });
    expect((await failure(kv("put", long, "v"))).message).toMatch(/^KV PUT failed: 414 /);
    expect((await failure(kv("get", [`${p}ok`, ""]))).message).toBe(
      "KV GET_BULK failed: 400 Key names must not be empty",
    );
    await kv("put", `${p}${"k".repeat(512 - p.length)}`, "512 bytes is fine");
  });

  it("value: 25 MiB; one byte more is 413 and nothing is stored", async () => {
    expect(await failure(probe.scenario("LAYER_0", "putSized", `${p}big`, 26_214_401))).toEqual({
      name: "Error",
      message: "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.",
    });
    expect(await kv("get", `${p}big`)).toBeNull();
    expect(await probe.scenario("LAYER_0", "putSized", `${p}max`, 26_214_400)).toEqual({
      length: 26_214_400,
    });
  });

  it("metadata: 1024 bytes of JSON; 1025 is 413", async () => {
    const meta = (bytes: number) => ({ m: "x".repeat(bytes - '{"m":""}'.length) });
    expect(await failure(kv("put", `${p}m`, "v", { metadata: meta(1025) }))).toEqual({
      name: "Error",
      message: "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.",
    });
    await kv("put", `${p}m`, "v", { metadata: meta(1024) });
    expect(((await kv("getWithMetadata", `${p}m`)) as { metadata: unknown }).metadata).toEqual(
      meta(1024),
    );
  });

  it("expirationTtl / expiration: at least 60 s ahead on the virtual clock, in seconds", async () => {
    expect((await failure(kv("put", `${p}t`, "v", { expirationTtl: 30 }))).message).toBe(
      "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    );
    const virtual = Math.floor(probe.harness.clock.now() / 1000);
    expect((await failure(kv("put", `${p}t`, "v", { expiration: virtual + 30 }))).message).toBe(
      `KV PUT failed: 400 Invalid expiration of ${virtual + 30}. Expiration times must be at least 60 seconds in the future.`,
    );
    await kv("put", `${p}t`, "v", { expirationTtl: 60 });
    const { keys } = (await kv("list", { prefix: `${p}t` })) as {
      keys: { expiration: number }[];
    };
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(virtual + 60);
  });

  it("cacheTtl: at least 30, checked on every read even when the key is cached", async () => {
    await kv("put", `${p}c`, "v");
    expect(await kv("get", `${p}c`)).toBe("v");
    expect(await kv("get", [`${p}c`])).toEqual(new Map([[`${p}c`, "v"]]));
    const refused = "Invalid cache_ttl of 10. Cache TTL must be at least 30.";
    expect((await failure(kv("get", `${p}c`, { cacheTtl: 10 }))).message).toBe(
      `KV GET failed: 400 ${refused}`,
    );
    expect((await failure(kv("getWithMetadata", `${p}c`, { cacheTtl: 10 }))).message).toBe(
      `KV GET failed: 400 ${refused}`,
    );
    expect((await failure(kv("get", [`${p}c`], { cacheTtl: 10 }))).message).toBe(
      `KV GET_BULK failed: 400 ${refused}`,
    );
    // Missing keys are cached too, and still validated.
    expect(await kv("get", `${p}none`)).toBeNull();
    expect((await failure(kv("get", `${p}none`, { cacheTtl: 10 }))).message).toBe(
      `KV GET failed: 400 ${refused}`,
    );
    expect(await kv("get", `${p}c`, { cacheTtl: 30 })).toBe("v");
  });

  it("list: limit 1..1000, errors labelled GET, the prefix repeated on every page", async () => {
    expect((await failure(kv("list", { limit: 1001 }))).message).toBe(
      "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
    );
    for (const k of ["a", "b", "c"]) await kv("put", `${p}${k}`, k);
    const first = (await kv("list", { prefix: p, limit: 2 })) as {
      keys: { name: string }[];
      cursor: string;
      list_complete: boolean;
    };
    expect(first.keys.map((k) => k.name)).toEqual([`${p}a`, `${p}b`]);
    expect(first.list_complete).toBe(false);
    const rest = (await kv("list", { prefix: p, cursor: first.cursor })) as {
      keys: { name: string }[];
    };
    expect(rest.keys.map((k) => k.name)).toEqual([`${p}c`]);
    // The cursor belongs to its prefix.
    expect((await failure(kv("list", { cursor: first.cursor }))).message).toBe(
      "KV GET failed: 400 Invalid cursor",
    );
  });

  it("list: a page holds 1000 keys when no limit (or 0, which workerd does not send) is given", async () => {
    const names = Array.from({ length: 1001 }, (_, i) => `${p}${String(i).padStart(4, "0")}`);
    await probe.harness.kv.load({
      version: 1,
      takenAt: probe.harness.clock.now(),
      entries: names.map((key) => ({ key, value: "v" })),
    });
    for (const options of [{ prefix: p }, { prefix: p, limit: 0 }]) {
      const page = (await kv("list", options)) as {
        keys: { name: string }[];
        list_complete: boolean;
        cursor?: string;
      };
      expect(page.keys.map((k) => k.name)).toEqual(names.slice(0, 1000));
      expect(page.list_complete).toBe(false);
      const rest = (await kv("list", { prefix: p, cursor: page.cursor })) as {
        keys: { name: string }[];
        list_complete: boolean;
      };
      expect(rest).toMatchObject({ keys: [{ name: names[1000] }], list_complete: true });
    }
  });

  it("bulk get: up to 100 keys, text or json only, a Map; validated even when cached", async () => {
    const keys = Array.from({ length: 101 }, (_, i) => `${p}${i}`);
    expect(await kv("get", keys.slice(0, 100))).toBeInstanceOf(Map);
    expect((await failure(kv("get", keys))).message).toBe(
      "KV GET_BULK failed: 400 You can request a maximum of 100 keys",
    );
    expect((await failure(kv("get", []))).message).toBe(
      "KV GET_BULK failed: 400 You must request a minimum of 1 key",
    );
    expect((await failure(kv("get", keys.slice(0, 2), "arrayBuffer"))).message).toBe(
      'KV GET_BULK failed: 400 "arrayBuffer" is not a valid type. Use "json" or "text"',
    );
    await kv("put", `${p}j`, '{"a":1}');
    expect(await kv("get", [`${p}j`], "json")).toEqual(new Map([[`${p}j`, { a: 1 }]]));
  });

  it("operations per invocation: 1000 (bulk counts as one), then production's error", async () => {
    await kv("put", `${p}k`, "v");
    expect(await probe.scenario("LAYER_0", "manyReads", `${p}k`, 1001)).toEqual({
      ok: 1000,
      error: { name: "Error", message: "Too many API requests by single worker invocation." },
    });
    // A new invocation starts from zero.
    expect(await probe.scenario("LAYER_0", "manyReads", `${p}k`, 10)).toEqual({ ok: 10 });
  });

  it("free plan per day: once a count is spent, 429 until 00:00 UTC (opt-in)", async () => {
    const daily = await createProbeHarness({
      profile: "production",
      limits: { daily: { reads: 3, writes: 2, deletes: 1, lists: 1 } },
    });
    try {
      // Start an hour into a UTC day, so no midnight falls inside the test.
      const DAY = 86_400_000;
      await daily.harness.clock.set(
        (Math.floor(daily.harness.clock.now() / DAY) + 1) * DAY + 3_600_000,
      );
      const c = (method: string, ...args: unknown[]) =>
        failure(daily.call("LAYER_0", method, ...args));
      expect(await c("put", "d:1", "v")).toEqual({ value: undefined });
      expect(await c("put", "d:2", "v")).toEqual({ value: undefined });
      expect((await c("put", "d:3", "v")).message).toBe("KV PUT failed: 429 Too Many Requests");
      expect(await c("get", ["d:1", "d:2"])).toMatchObject({ value: expect.any(Map) });
      expect(await c("get", "d:1")).toEqual({ value: "v" });
      expect((await c("getWithMetadata", "d:1")).message).toBe(
        "KV GET failed: 429 Too Many Requests",
      );
      await daily.harness.clock.advance(1000); // the same-key write limit counts deletes
      expect(await c("delete", "d:1")).toEqual({ value: undefined });
      expect((await c("delete", "d:2")).message).toBe("KV DELETE failed: 429 Too Many Requests");
      expect(await c("list", {})).toMatchObject({ value: { list_complete: true } });
      expect((await c("list", {})).message).toBe("KV GET failed: 429 Too Many Requests");
      await daily.harness.clock.advance(DAY);
      expect(await c("put", "d:3", "v")).toEqual({ value: undefined });
      expect(await c("get", "d:3")).toEqual({ value: "v" });
    } finally {
      await daily.harness.dispose();
    }
  });
});

describe("writes to one key", () => {
  it("at most 1 per second, across isolates: the rest get 429, the accepted write is stored", async () => {
    const started = probe.harness.clock.now();
    const [a, b] = await Promise.all([
      probe.scenario("LAYER_0", "concurrentPuts", `${p}hot`, 10),
      probe.scenario("LAYER_1", "concurrentPuts", `${p}hot`, 10),
    ]);
    const elapsed = probe.harness.clock.now() - started;
    const results = [a, b].flatMap((r, isolate) =>
      (r as { results: { i: number; ok: boolean; message?: string }[] }).results.map((x) => ({
        ...x,
        value: `v${x.i}`,
        isolate,
      })),
    );
    const accepted = results.filter((r) => r.ok);
    // One window per second that passed (one on any machine that is not crawling).
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));
    for (const r of results.filter((x) => !x.ok)) {
      expect(r.message).toBe("KV PUT failed: 429 Too Many Requests");
    }
    if (accepted.length === 1) {
      expect(await probe.harness.kv.get(`${p}hot`)).toBe(accepted[0]!.value);
    }
    const counters = await probe.harness.counters();
    expect(counters.total.rateLimited).toBeGreaterThanOrEqual(results.length - accepted.length);
    await advance(1000);
    await kv1("put", `${p}hot`, "after a second");
    expect(await probe.harness.kv.get(`${p}hot`)).toBe("after a second");
  });

  it("deletes take a write slot too (configurable)", async () => {
    const started = probe.harness.clock.now();
    await kv("put", `${p}d`, "v");
    const deleted = await failure(kv("delete", `${p}d`));
    // Within a second of the put (always, unless the machine stalled for a second) it is refused.
    if (probe.harness.clock.now() - started < 1000) {
      expect(deleted.message).toBe("KV DELETE failed: 429 Too Many Requests");
    }
    await advance(1000);
    await kv("delete", `${p}d`);
    expect(await probe.harness.kv.get(`${p}d`)).toBeNull();
    const lenient = await createProbeHarness({
      profile: "production",
      writeRate: { deletesCount: false },
    });
    try {
      await lenient.call("LAYER_0", "put", "d:x", "v");
      await lenient.call("LAYER_0", "delete", "d:x");
      expect(await lenient.harness.kv.get("d:x")).toBeNull();
    } finally {
      await lenient.harness.dispose();
    }
  });

  it("a burst allowance lets that many extra writes through per second, and no more", async () => {
    const bursty = await createProbeHarness({ profile: "production", writeRate: { burst: 9 } });
    try {
      const started = bursty.harness.clock.now();
      const { results } = (await bursty.scenario("LAYER_0", "concurrentPuts", "b:hot", 20)) as {
        results: { ok: boolean }[];
      };
      const elapsed = bursty.harness.clock.now() - started;
      const accepted = results.filter((r) => r.ok).length;
      expect(accepted).toBeGreaterThanOrEqual(10);
      expect(accepted).toBeLessThanOrEqual(10 * (1 + Math.floor(elapsed / 1000)));
    } finally {
      await bursty.harness.dispose();
    }
  });

  it("sequential writes a second apart: the last accepted write wins", async () => {
    for (const v of ["1", "2", "3"]) {
      await kv("put", `${p}seq`, v);
      await advance(1000);
    }
    expect(await probe.harness.kv.get(`${p}seq`)).toBe("3");
    expect(await kv("get", `${p}seq`)).toBe("3");
  });
});

describe("errors", () => {
  it("KV <METHOD> failed: <status> <text>, list labelled GET; 404 reads as null", async () => {
    await probe.harness.faults.set([{ op: "any", kind: "error", status: 503, prefix: `${p}e` }]);
    try {
      const unavailable = "failed: 503 Service Temporarily Unavailable";
      expect((await failure(kv("get", `${p}e`))).message).toBe(`KV GET ${unavailable}`);
      expect((await failure(kv("get", [`${p}e`]))).message).toBe(`KV GET_BULK ${unavailable}`);
      expect((await failure(kv("put", `${p}e`, "v"))).message).toBe(`KV PUT ${unavailable}`);
      expect((await failure(kv("delete", `${p}e`))).message).toBe(`KV DELETE ${unavailable}`);
      expect((await failure(kv("list", { prefix: `${p}e` }))).message).toBe(
        `KV GET ${unavailable}`,
      );
    } finally {
      await probe.harness.faults.clear();
    }
    expect(await kv("getWithMetadata", `${p}missing`)).toEqual({
      value: null,
      metadata: null,
      cacheStatus: "MISS",
    });
    expect(await kv("get", `${p}missing`)).toBeNull();
  });

  it("a dropped connection is `Network connection lost.`, a plain Error", async () => {
    await probe.harness.faults.set([{ op: "get", kind: "network", prefix: `${p}n` }]);
    try {
      expect(await failure(kv("get", `${p}n`))).toEqual({
        name: "Error",
        message: "Network connection lost.",
      });
    } finally {
      await probe.harness.faults.clear();
    }
  });
});

describe("time", () => {
  it("expired keys are still iterated: a page can be empty while list_complete is false", async () => {
    const at = Math.floor(probe.harness.clock.now() / 1000);
    await kv("put", `${p}a`, "gone", { expiration: at + 120 });
    await kv("put", `${p}b`, "gone", { expiration: at + 120 });
    await kv("put", `${p}c`, "kept");
    await advance(121_000);
    const first = (await kv("list", { prefix: p, limit: 2 })) as {
      keys: unknown[];
      list_complete: boolean;
      cursor: string;
    };
    expect(first).toMatchObject({ keys: [], list_complete: false });
    const next = (await kv("list", { prefix: p, limit: 2, cursor: first.cursor })) as {
      keys: { name: string }[];
      list_complete: boolean;
    };
    expect(next).toMatchObject({ keys: [{ name: `${p}c` }], list_complete: true });
  });

  it("expiry follows the virtual clock and takes precedence over the edge cache", async () => {
    await kv("put", `${p}ttl`, "v", { expirationTtl: 3600 });
    const { keys } = (await kv("list", { prefix: `${p}ttl` })) as {
      keys: { expiration: number }[];
    };
    const expiration = keys[0]!.expiration * 1000;
    expect(await kv("get", `${p}ttl`, { cacheTtl: 7200 })).toBe("v");
    // Two minutes short of the expiration (more than any test takes), then just past it.
    await probe.harness.clock.set(expiration - 120_000);
    expect(await kv("get", `${p}ttl`, { cacheTtl: 7200 })).toBe("v");
    await probe.harness.clock.set(expiration + 1000);
    expect(await kv("get", `${p}ttl`, { cacheTtl: 7200 })).toBeNull();
    expect(await kv("get", [`${p}ttl`])).toEqual(new Map([[`${p}ttl`, null]]));
    expect(((await kv("list", { prefix: `${p}ttl` })) as { keys: unknown[] }).keys).toEqual([]);
  });
});
