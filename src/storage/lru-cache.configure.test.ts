/**
 * The read cache under the bounds the Worker's vars give it (`CACHE_MAX_ENTRIES`,
 * `CACHE_TTL_SECONDS`): a smaller bound evicts the least recently used entries at once, a new TTL
 * applies to entries already held, and 0 entries turns the cache off.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { LruCache } from "./lru-cache.js";

afterEach(() => setClock(() => Date.now()));

describe("LruCache.configure", () => {
  it("shrinks to the new bound, keeping the most recently used entries", () => {
    const c = new LruCache<string>(10, 60_000);
    for (const k of ["a", "b", "c", "d"]) c.set(k, k.toUpperCase());
    c.getFresh("a");
    c.configure(2, 60_000);
    expect(c.size).toBe(2);
    expect(["a", "b", "c", "d"].filter((k) => c.peek(k))).toEqual(["a", "d"]);
  });

  it("applies a new TTL to entries it already holds", () => {
    let t = 1_000_000;
    setClock(() => t);
    const c = new LruCache<string>(10, 60_000);
    c.set("k", "v");
    t += 5_000;
    expect(c.getFresh("k")?.value).toBe("v");
    c.configure(10, 1_000);
    expect(c.getFresh("k")).toBeUndefined();
    expect(c.peek("k")?.value).toBe("v");
  });

  it("holds nothing with a bound of 0", () => {
    const c = new LruCache<string>(10, 60_000);
    c.set("a", "1");
    c.configure(0, 60_000);
    expect(c.size).toBe(0);
    c.set("b", "2");
    expect(c.size).toBe(0);
    expect(c.getFresh("b")).toBeUndefined();
  });
});
