/**
 * @module testing/storage-contract
 * The shared storage contract (unstorage's `testDriver()` shape): one suite of KV rules that every
 * backend and every layered stack (`src/storage/layers/stack.ts`) must pass. Run from `src/storage/memory.test.ts` and
 * `src/storage/kv.test.ts`.
 */
import { describe, expect, it } from "vitest";
import type { StorageBackend } from "../storage/types.js";

export function testBackend(
  name: string,
  makeBackend: () => Promise<StorageBackend> | StorageBackend,
): void {
  describe(`storage contract: ${name}`, () => {
    let n = 0;
    // Each test uses its own prefix so tests never see each other's keys.
    const prefix = () => `t${++n}-${Math.random().toString(36).slice(2, 8)}:`;

    it("returns null for a missing key and the value after put", async () => {
      const b = await makeBackend();
      const p = prefix();
      expect(await b.get(`${p}a`)).toBeNull();
      await b.put(`${p}a`, "hello");
      expect(await b.get(`${p}a`)).toBe("hello");
      await b.put(`${p}a`, "again");
      expect(await b.get(`${p}a`)).toBe("again");
    });

    it("stores metadata and returns it with the value and in list", async () => {
      const b = await makeBackend();
      const p = prefix();
      await b.put(`${p}m`, "v", { metadata: { v: 1, s: "ünï" }, expirationTtl: 3600 });
      expect(await b.getWithMetadata(`${p}m`)).toEqual({
        value: "v",
        metadata: { v: 1, s: "ünï" },
      });
      const listed = await b.list({ prefix: p });
      expect(listed.keys).toHaveLength(1);
      expect(listed.keys[0]!.metadata).toEqual({ v: 1, s: "ünï" });
      expect(listed.keys[0]!.expiration).toBeGreaterThan(Date.now() / 1000 + 3500);
      expect(await b.getWithMetadata(`${p}none`)).toEqual({ value: null, metadata: null });
    });

    it("lists keys in UTF-8 byte order with prefix, limit and cursors", async () => {
      const b = await makeBackend();
      const p = prefix();
      const names = ["b", "a", "Z", "é", "aa", "0", "~"];
      for (const k of names) await b.put(p + k, k);
      const all: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await b.list({ prefix: p, limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.keys.length).toBeLessThanOrEqual(3);
        all.push(...page.keys.map((k) => k.name.slice(p.length)));
        cursor = page.list_complete ? undefined : page.cursor;
        pages++;
      } while (cursor);
      expect(all).toEqual(["0", "Z", "a", "aa", "b", "~", "é"]);
      expect(pages).toBe(3);
      await b.put(`other:${p}`, "x");
      expect((await b.list({ prefix: p })).keys).toHaveLength(names.length);
    });

    it("enforces KV's key, metadata and TTL limits with KV's messages", async () => {
      const b = await makeBackend();
      const p = prefix();
      await expect(b.put("", "x")).rejects.toThrow(TypeError);
      await expect(b.put(".", "x")).rejects.toThrow(TypeError);
      const long = "k".repeat(513);
      await expect(b.put(long, "x")).rejects.toThrow(
        "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
      );
      // Reads of over-long keys fail too (the message differs between workerd and its Node proxy).
      await expect(b.get(long)).rejects.toThrow();
      await expect(b.put(`${p}ttl`, "x", { expirationTtl: 30 })).rejects.toThrow(
        "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
      );
      await expect(b.put(`${p}meta`, "x", { metadata: { x: "y".repeat(1100) } })).rejects.toThrow(
        /KV PUT failed: 413 Metadata length of \d+ exceeds limit of 1024\./,
      );
      expect(await b.get(`${p}ttl`)).toBeNull();
      expect(await b.get(`${p}meta`)).toBeNull();
      await b.put(`${p}ok`, "x", { expirationTtl: 60 });
      expect(await b.get(`${p}ok`)).toBe("x");
    });

    it("deletes keys (and deleting a missing key is fine)", async () => {
      const b = await makeBackend();
      const p = prefix();
      await b.put(`${p}d`, "x");
      await b.delete(`${p}d`);
      await b.delete(`${p}never`);
      expect(await b.get(`${p}d`)).toBeNull();
      expect((await b.list({ prefix: p })).keys).toEqual([]);
    });

    it("bulk-gets up to 100 keys in one call, missing keys as null", async () => {
      const b = await makeBackend();
      const p = prefix();
      await b.put(`${p}1`, "one");
      await b.put(`${p}2`, "two");
      const got = await b.getMany([`${p}1`, `${p}2`, `${p}3`]);
      expect(Object.fromEntries(got)).toEqual({
        [`${p}1`]: "one",
        [`${p}2`]: "two",
        [`${p}3`]: null,
      });
      const tooMany = Array.from({ length: 101 }, (_, i) => `${p}${i}`);
      await expect(b.getMany(tooMany)).rejects.toThrow();
    });
  });
}
