/**
 * @module harness/workers/edge-cache
 * One location's emulated KV edge cache (production profile): results, including "not found" and
 * list pages, are served from here until their window passes on the virtual clock.
 */

interface Entry {
  value: unknown;
  /** Virtual ms after which the entry is no longer served. */
  until: number;
}

export class EdgeCache {
  #entries = new Map<string, Entry>();

  /** The cached result, or `undefined` on a miss. `now` is virtual ms. */
  read(id: string, now: number): { value: unknown } | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(id);
      return undefined;
    }
    return { value: entry.value };
  }

  write(id: string, value: unknown, until: number): void {
    this.#entries.set(id, { value, until });
  }

  /** Forget everything (`Harness.reset()`). */
  clear(): void {
    this.#entries.clear();
  }

  /** Forget a key's reads and every list page (the writer's own location sees its write). */
  invalidate(key: string): void {
    for (const id of this.#entries.keys()) {
      if (id.startsWith("l\0") || id.endsWith(`\0${key}`)) this.#entries.delete(id);
    }
  }
}

export const cacheId = {
  get: (type: string, key: string) => `g\0${type}\0${key}`,
  meta: (type: string, key: string) => `m\0${type}\0${key}`,
  list: (options: unknown) => `l\0${JSON.stringify(options ?? {})}`,
};
