/**
 * The transparency promise: with no rules and profile `miniflare`, the KV layer behaves exactly as
 * the raw Miniflare binding. The same cases run against the raw binding and through the layer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness";

let probe: ProbeHarness;
beforeAll(async () => {
  probe = await createProbeHarness();
});
afterAll(() => probe?.harness.dispose());

describe.each([
  ["raw binding", "RAW", "raw:"],
  ["KV layer", "LAYER_0", "layer:"],
])("KV conformance: %s", (_name, target, p) => {
  const kv = (method: string, ...args: unknown[]) => probe.call(target, method, ...args);
  const fails = (method: string, ...args: unknown[]) =>
    kv(method, ...args).then(
      () => {
        throw new Error(`${method} should have failed`);
      },
      (e: Error & { errorName?: string }) => ({ name: e.errorName, message: e.message }),
    );

  it("get returns null for a missing key and the last written value otherwise", async () => {
    expect(await kv("get", `${p}missing`)).toBeNull();
    await kv("put", `${p}a`, "one");
    await kv("put", `${p}a`, "two");
    expect(await kv("get", `${p}a`)).toBe("two");
    expect(await kv("get", `${p}a`, { type: "text" })).toBe("two");
    expect(await kv("get", `${p}a`, "json").catch((e: Error) => e.message)).toMatch(/JSON/);
  });

  it("stores and returns metadata, json and bytes", async () => {
    await kv("put", `${p}m`, '{"n":1}', { metadata: { owner: "ada" } });
    expect(await kv("getWithMetadata", `${p}m`, { type: "text" })).toEqual({
      value: '{"n":1}',
      metadata: { owner: "ada" },
      cacheStatus: null,
    });
    expect(await kv("get", `${p}m`, "json")).toEqual({ n: 1 });
    expect(await kv("get", `${p}m`, "arrayBuffer")).toEqual(new TextEncoder().encode('{"n":1}'));
    expect(await kv("getWithMetadata", `${p}none`)).toEqual({
      value: null,
      metadata: null,
      cacheStatus: null,
    });
  });

  it("delete removes a key, and deleting a missing key is not an error", async () => {
    await kv("put", `${p}d`, "x");
    await kv("delete", `${p}d`);
    await kv("delete", `${p}d`);
    expect(await kv("get", `${p}d`)).toBeNull();
  });

  it("reports expiration from expirationTtl and expiration in list", async () => {
    const before = Math.floor(Date.now() / 1000);
    await kv("put", `${p}ttl:a`, "x", { expirationTtl: 3600 });
    await kv("put", `${p}ttl:b`, "x", { expiration: before + 7200, metadata: { m: 1 } });
    const { keys } = (await kv("list", { prefix: `${p}ttl:` })) as {
      keys: { name: string; expiration?: number; metadata?: unknown }[];
    };
    expect(keys.map((k) => k.name)).toEqual([`${p}ttl:a`, `${p}ttl:b`]);
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + 3600);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(before + 3602);
    expect(keys[1]).toEqual({ name: `${p}ttl:b`, expiration: before + 7200, metadata: { m: 1 } });
  });

  it("lists in key order with limit, cursor and list_complete", async () => {
    for (const k of ["c", "a", "e", "b", "d"]) await kv("put", `${p}l:${k}`, k);
    const first = (await kv("list", { prefix: `${p}l:`, limit: 2 })) as {
      keys: { name: string }[];
      list_complete: boolean;
      cursor?: string;
    };
    expect(first.keys.map((k) => k.name)).toEqual([`${p}l:a`, `${p}l:b`]);
    expect(first.list_complete).toBe(false);
    expect(typeof first.cursor).toBe("string");
    const rest = (await kv("list", { prefix: `${p}l:`, cursor: first.cursor })) as {
      keys: { name: string }[];
      list_complete: boolean;
    };
    expect(rest.keys.map((k) => k.name)).toEqual([`${p}l:c`, `${p}l:d`, `${p}l:e`]);
    expect(rest.list_complete).toBe(true);
    expect(await kv("list", { prefix: `${p}nothing:` })).toMatchObject({
      keys: [],
      list_complete: true,
    });
  });

  it("bulk get returns a Map with null for missing keys", async () => {
    await kv("put", `${p}b:1`, "one");
    await kv("put", `${p}b:2`, "two");
    expect(await kv("get", [`${p}b:1`, `${p}b:2`, `${p}b:3`], { type: "text" })).toEqual(
      new Map([
        [`${p}b:1`, "one"],
        [`${p}b:2`, "two"],
        [`${p}b:3`, null],
      ]),
    );
  });

  it("rejects what production rejects, with the same messages", async () => {
    expect(await fails("put", `${p}t`, "x", { expirationTtl: 30 })).toEqual({
      name: "Error",
      message:
        "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    });
    const past = Math.floor(Date.now() / 1000) - 10;
    expect((await fails("put", `${p}t`, "x", { expiration: past })).message).toBe(
      `KV PUT failed: 400 Invalid expiration of ${past}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
    );
    const soon = Math.floor(Date.now() / 1000) + 30;
    expect((await fails("put", `${p}t`, "x", { expiration: soon })).message).toBe(
      `KV PUT failed: 400 Invalid expiration of ${soon}. Expiration times must be at least 60 seconds in the future.`,
    );
    expect(
      (await fails("put", `${p}t`, "x", { metadata: { big: "x".repeat(1100) } })).message,
    ).toMatch(/^KV PUT failed: 413 Metadata length of \d+ exceeds limit of 1024\.$/);
    expect((await fails("get", "k".repeat(513))).message).toBe(
      "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
    );
    expect((await fails("get", "")).name).toBe("TypeError");
    expect((await fails("list", { limit: 1001 })).message).toMatch(/^KV GET failed: 400 /);
    const keys = Array.from({ length: 101 }, (_, i) => `${p}many:${i}`);
    expect((await fails("get", keys)).message).toMatch(/100/);
  });
});
