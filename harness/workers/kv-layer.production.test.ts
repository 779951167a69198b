/**
 * `profile: "production"`: one write per second per key, and each isolate a location with its own
 * edge cache (values, missing keys and list pages) that goes stale for 60 s of virtual time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness";

let probe: ProbeHarness;
let n = 0;
let key: string;
beforeAll(async () => {
  probe = await createProbeHarness({ isolates: 2, profile: "production" });
});
afterAll(() => probe?.harness.dispose());
beforeEach(() => {
  key = `p${++n}:`;
});

const get = (isolate: number, k: string, options?: unknown) =>
  probe.call(`LAYER_${isolate}`, "get", k, options);
const put = (isolate: number, k: string, v: string) => probe.call(`LAYER_${isolate}`, "put", k, v);

describe("production profile", () => {
  it("refuses a second write to one key within a second with the production 429", async () => {
    await put(0, `${key}a`, "1");
    await expect(put(1, `${key}a`, "2")).rejects.toThrow(/^KV PUT failed: 429 Too Many Requests$/);
    await put(0, `${key}b`, "other keys are not limited");
    expect((await probe.harness.counters()).isolates[1]!.rateLimited).toBe(1);
    await probe.harness.clock.advance(1000);
    await put(1, `${key}a`, "2");
    expect(await probe.harness.kv.get(`${key}a`)).toBe("2");
  });

  it("another isolate keeps reading the old value until 60 s pass; the writer sees its write", async () => {
    await put(0, `${key}s`, "old");
    await probe.harness.clock.advance(1000);
    expect(await get(1, `${key}s`)).toBe("old");
    await put(0, `${key}s`, "new");
    expect(await get(0, `${key}s`)).toBe("new");
    expect(await get(1, `${key}s`)).toBe("old");
    await probe.harness.clock.advance(59_000);
    expect(await get(1, `${key}s`)).toBe("old");
    await probe.harness.clock.advance(2_000);
    expect(await get(1, `${key}s`)).toBe("new");
  });

  it("caches a missing key: it stays missing where it was read as missing", async () => {
    expect(await get(1, `${key}neg`)).toBeNull();
    await put(0, `${key}neg`, "created");
    expect(await get(1, `${key}neg`)).toBeNull();
    expect(await probe.call("LAYER_1", "get", [`${key}neg`])).toEqual(
      new Map([[`${key}neg`, null]]),
    );
    await probe.harness.clock.advance(61_000);
    expect(await get(1, `${key}neg`)).toBe("created");
  });

  it("caches list pages per location", async () => {
    const names = async (isolate: number) =>
      (
        (await probe.call(`LAYER_${isolate}`, "list", { prefix: key })) as {
          keys: { name: string }[];
        }
      ).keys.map((k) => k.name);
    await put(0, `${key}1`, "x");
    expect(await names(1)).toEqual([`${key}1`]);
    await put(0, `${key}2`, "x");
    expect(await names(0)).toEqual([`${key}1`, `${key}2`]);
    expect(await names(1)).toEqual([`${key}1`]);
    await probe.harness.clock.advance(61_000);
    expect(await names(1)).toEqual([`${key}1`, `${key}2`]);
  });

  it("a longer cacheTtl keeps the value longer", async () => {
    await put(0, `${key}c`, "old");
    await probe.harness.clock.advance(1000);
    expect(await get(1, `${key}c`, { type: "text", cacheTtl: 300 })).toBe("old");
    await put(0, `${key}c`, "new");
    await probe.harness.clock.advance(61_000);
    expect(await get(1, `${key}c`, { type: "text", cacheTtl: 300 })).toBe("old");
    await probe.harness.clock.advance(240_000);
    expect(await get(1, `${key}c`, { type: "text", cacheTtl: 300 })).toBe("new");
  });

  it("direct store access bypasses the edge caches", async () => {
    expect(await get(1, `${key}d`)).toBeNull();
    await probe.harness.kv.put(`${key}d`, "seeded");
    expect(await probe.harness.kv.get(`${key}d`)).toBe("seeded");
    expect(await get(1, `${key}d`)).toBeNull();
  });

  it("restart empties the edge caches", async () => {
    expect(await get(1, `${key}r`)).toBeNull();
    await put(0, `${key}r`, "v");
    await probe.harness.restart();
    expect(await get(1, `${key}r`)).toBe("v");
  });
});

describe("production profile, writerSeesOwnWrites: false", () => {
  let own: ProbeHarness;
  beforeAll(async () => {
    own = await createProbeHarness({ profile: "production", writerSeesOwnWrites: false });
  });
  afterAll(() => own?.harness.dispose());

  it("the writing location may keep serving its cached value for the window", async () => {
    await own.call("LAYER_0", "put", "own:a", "old");
    await own.harness.clock.advance(1000);
    expect(await own.call("LAYER_0", "get", "own:a")).toBe("old");
    await own.call("LAYER_0", "put", "own:a", "new");
    expect(await own.call("LAYER_0", "get", "own:a")).toBe("old");
    await own.harness.clock.advance(61_000);
    expect(await own.call("LAYER_0", "get", "own:a")).toBe("new");
  });
});
