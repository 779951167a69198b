import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { LruCache } from "./lru-cache.js";

afterEach(() => setClock(() => Date.now()));

describe("LruCache", () => {
  it("evicts the least recently used entry beyond maxEntries", () => {
    const c = new LruCache<string>(2, 60_000);
    c.set("a", "1");
    c.set("b", "2");
    c.getFresh("a");
    c.set("c", "3");
    expect(c.peek("b")).toBeUndefined();
    expect(c.peek("a")?.value).toBe("1");
    expect(c.size).toBe(2);
  });

  it("stops serving entries past the TTL but keeps them for stale-if-error", () => {
    let t = 1_000_000;
    setClock(() => t);
    const c = new LruCache<string>(10, 1000);
    c.set("k", "v");
    expect(c.getFresh("k")?.value).toBe("v");
    t += 1000;
    expect(c.getFresh("k")).toBeUndefined();
    expect(c.peek("k")?.value).toBe("v");
    expect([c.hits, c.misses]).toEqual([1, 1]);
  });

  it("counts a miss for a key it never held, and clear() forgets entries and counts", () => {
    const c = new LruCache<string>(10, 1000);
    c.set("k", "v");
    expect(c.getFresh("other")).toBeUndefined();
    expect(c.getFresh("k")?.value).toBe("v");
    expect([c.hits, c.misses]).toEqual([1, 1]);
    c.delete("k");
    expect(c.peek("k")).toBeUndefined();
    c.set("j", "w");
    c.clear();
    expect([c.size, c.hits, c.misses]).toEqual([0, 0, 0]);
  });

  it("holds nothing with a bound of 0 or below, and replaces a held key in place", () => {
    for (const bound of [0, -1]) {
      const c = new LruCache<string>(bound, 1000);
      c.set("a", "1");
      expect(c.size).toBe(0);
    }
    const c = new LruCache<string>(2, 1000);
    c.set("a", "1");
    c.set("b", "2");
    c.set("a", "3");
    c.set("c", "4");
    expect(c.peek("b")).toBeUndefined();
    expect(c.peek("a")?.value).toBe("3");
  });
});
