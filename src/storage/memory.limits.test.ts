/**
 * The memory backend at KV's limits, with KV's texts: the last size each limit takes and the first
 * it refuses, the op each refusal names, the exact expiry second, and what a list page holds.
 */
import { afterEach, describe, expect, it } from "vitest";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { setClock } from "../clock.js";
import { createMemoryBackend } from "./memory.js";

const T0 = 1_700_000_000_000; // a whole second

afterEach(() => setClock(() => Date.now()));

describe("memory backend key rules", () => {
  it("refuses an empty key, . and .. on every op with workerd's texts", async () => {
    const b = createMemoryBackend();
    for (const key of [".", ".."]) {
      await expect(b.put(key, "x")).rejects.toThrow(new TypeError(`Illegal key name "${key}".`));
      await expect(b.get(key)).rejects.toThrow(TypeError);
      await expect(b.delete(key)).rejects.toThrow(TypeError);
    }
    await expect(b.getWithMetadata("")).rejects.toThrow(new TypeError("Key name cannot be empty."));
    await expect(b.getMany(["ok", ""])).rejects.toThrow(TypeError);
    expect(b.size()).toBe(0);
  });

  it("takes a key of exactly 512 bytes and names the op refusing 513", async () => {
    const b = createMemoryBackend();
    const max = "é".repeat(KV_LIMITS.keyBytes / 2);
    await b.put(max, "v");
    expect(await b.get(max)).toBe("v");
    const long = `${max}k`;
    const text = "414 UTF-8 encoded length of 513 exceeds key length limit of 512.";
    await expect(b.get(long)).rejects.toThrow(`KV GET failed: ${text}`);
    await expect(b.getWithMetadata(long)).rejects.toThrow(`KV GET failed: ${text}`);
    await expect(b.getMany([long])).rejects.toThrow(`KV GET_BULK failed: ${text}`);
    await expect(b.delete(long)).rejects.toThrow(`KV DELETE failed: ${text}`);
  });
});

describe("memory backend value, metadata and TTL limits", () => {
  it("takes a 25 MiB value and refuses one byte more", async () => {
    const b = createMemoryBackend();
    const max = "v".repeat(KV_LIMITS.valueBytes);
    await b.put("big", max);
    expect((await b.get("big"))?.length).toBe(KV_LIMITS.valueBytes);
    await expect(b.put("bigger", `${max}v`)).rejects.toThrow(
      `KV PUT failed: 413 Value length of ${KV_LIMITS.valueBytes + 1} exceeds limit of ${KV_LIMITS.valueBytes}.`,
    );
    expect(await b.get("bigger")).toBeNull();
  });

  it("takes metadata of exactly 1024 bytes, keeps a copy, and refuses 1025", async () => {
    const b = createMemoryBackend();
    const padding = KV_LIMITS.metadataBytes - JSON.stringify({ s: "" }).length;
    const metadata = { s: "m".repeat(padding) };
    await b.put("k", "v", { metadata });
    metadata.s = "changed";
    expect((await b.getWithMetadata("k")).metadata).toEqual({ s: "m".repeat(padding) });
    await expect(
      b.putOnce("k2", "v", { metadata: { s: "m".repeat(padding + 1) } }),
    ).rejects.toThrow("KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.");
  });

  it("refuses a TTL of 59 s, and a 60 s key expires at exactly that second, in every read", async () => {
    setClock(() => T0 + 999);
    const b = createMemoryBackend();
    await expect(b.put("k", "v", { expirationTtl: 59 })).rejects.toThrow(
      "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60.",
    );
    await b.put("k", "v", { expirationTtl: 60, metadata: { a: 1 } });
    await b.put("forever", "f");
    expect((await b.list()).keys).toEqual([
      { name: "forever" },
      { name: "k", expiration: T0 / 1000 + 60, metadata: { a: 1 } },
    ]);
    setClock(() => T0 + 59_999);
    expect(await b.getMany(["k"])).toEqual(new Map([["k", "v"]]));
    setClock(() => T0 + 60_000);
    expect(await b.getWithMetadata("k")).toEqual({ value: null, metadata: null });
    expect(await b.getMany(["k", "forever"])).toEqual(
      new Map([
        ["k", null],
        ["forever", "f"],
      ]),
    );
    expect(b.size()).toBe(1);
    b.clear();
    expect(await b.get("forever")).toBeNull();
  });
});

describe("memory backend lists and bulk reads", () => {
  it("bulk-reads exactly 100 keys and refuses 101 with KV's text", async () => {
    const b = createMemoryBackend();
    const keys = Array.from({ length: KV_LIMITS.bulkKeys }, (_, i) => `k${i}`);
    expect((await b.getMany(keys)).size).toBe(100);
    await expect(b.getMany([...keys, "one-more"])).rejects.toThrow(
      "KV GET_BULK failed: 400 You can request a maximum of 100 keys",
    );
  });

  it("takes limits 1 to 1000 and refuses 0, 1001 and 1.5; a page as long as the rest is complete", async () => {
    const b = createMemoryBackend();
    for (const key of ["a", "b", "c"]) await b.put(key, key);
    for (const limit of [0, 1001, 1.5]) {
      await expect(b.list({ limit })).rejects.toThrow(
        `KV GET failed: 400 Invalid key_count_limit of ${limit}. Please specify an integer greater than 0.`,
      );
    }
    expect(await b.list({ limit: 3 })).toEqual({
      keys: [{ name: "a" }, { name: "b" }, { name: "c" }],
      list_complete: true,
    });
    const first = await b.list({ limit: 1 });
    expect(first).toMatchObject({ keys: [{ name: "a" }], list_complete: false });
    const rest = await b.list({ limit: 1000, cursor: (first as { cursor: string }).cursor });
    expect(rest).toEqual({ keys: [{ name: "b" }, { name: "c" }], list_complete: true });
  });
});
