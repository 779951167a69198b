/**
 * @module harness/workers/virtual-store
 * The raw Miniflare KV namespace seen through the virtual clock: TTLs become absolute expirations
 * on the virtual clock, and entries whose expiration has passed on it read as missing. With a zero
 * offset every call is handed to the raw binding untouched, so errors and results stay identical.
 */

/** One stored entry as the production model handles it (bytes, metadata, virtual expiration). */
export interface StoredEntry {
  bytes: Uint8Array;
  metadata: unknown;
  /** Seconds since the epoch (virtual). */
  expiration?: number;
}

type PutOptions = KVNamespacePutOptions | undefined;
type PutValue = string | ArrayBuffer | ArrayBufferView | ReadableStream;
type ListOptions = KVNamespaceListOptions | undefined;

export class VirtualStore {
  constructor(
    readonly raw: KVNamespace,
    /** Virtual ms minus real ms (never negative). */
    readonly offsetMs: () => number,
  ) {}

  now(): number {
    return Date.now() + this.offsetMs();
  }

  /** The key's expiration (seconds), found by listing its own prefix: the key sorts first. */
  async expirationOf(key: string): Promise<number | undefined> {
    const page = await this.raw.list({ prefix: key, limit: 1 });
    const first = page.keys[0];
    return first?.name === key ? first.expiration : undefined;
  }

  expired(expiration: number | undefined): boolean {
    return expiration !== undefined && expiration * 1000 <= this.now();
  }

  async #alive(key: string): Promise<boolean> {
    if (this.offsetMs() === 0) return true;
    return !this.expired(await this.expirationOf(key));
  }

  async get(key: string | string[], options?: unknown): Promise<unknown> {
    const raw = this.raw as unknown as { get(k: unknown, o?: unknown): Promise<unknown> };
    const result = await raw.get(key, options);
    if (this.offsetMs() === 0) return result;
    if (result instanceof Map) {
      for (const [k, v] of result) if (v !== null && !(await this.#alive(k))) result.set(k, null);
      return result;
    }
    if (result === null || (await this.#alive(key as string))) return result;
    if (result instanceof ReadableStream) await result.cancel();
    return null;
  }

  async getWithMetadata(key: string | string[], options?: unknown): Promise<unknown> {
    const raw = this.raw as unknown as {
      getWithMetadata(k: unknown, o?: unknown): Promise<unknown>;
    };
    const result = await raw.getWithMetadata(key, options);
    if (this.offsetMs() === 0) return result;
    if (result instanceof Map) {
      for (const [k, v] of result) {
        if (v !== null && !(await this.#alive(k))) result.set(k, null);
      }
      return result;
    }
    const single = result as { value: unknown };
    if (single.value === null || (await this.#alive(key as string))) return result;
    if (single.value instanceof ReadableStream) await single.value.cancel();
    return { value: null, metadata: null, cacheStatus: null };
  }

  /** The key's entry with its bytes and expiration, or `null` when missing or expired. */
  async entry(key: string): Promise<StoredEntry | null> {
    const result = await this.raw.getWithMetadata(key, "arrayBuffer");
    if (result.value === null) return null;
    const expiration = await this.expirationOf(key);
    if (this.expired(expiration)) return null;
    return {
      bytes: new Uint8Array(result.value),
      metadata: result.metadata,
      ...(expiration !== undefined ? { expiration } : {}),
    };
  }

  /** Store an entry whose expiration is already absolute on the virtual clock (and validated). */
  putEntry(key: string, entry: StoredEntry): Promise<void> {
    return this.raw.put(key, entry.bytes, {
      ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
      ...(entry.expiration !== undefined ? { expiration: entry.expiration } : {}),
    });
  }

  async put(key: string, value: PutValue, options?: PutOptions): Promise<void> {
    await this.raw.put(key, value, this.#toVirtual(options));
  }

  delete(key: string): Promise<void> {
    return this.raw.delete(key);
  }

  async list(options?: ListOptions): Promise<KVNamespaceListResult<unknown, string>> {
    const result = await this.raw.list(options);
    if (this.offsetMs() === 0) return result;
    return { ...result, keys: result.keys.filter((k) => !this.expired(k.expiration)) };
  }

  /**
   * Rewrite TTL/expiration against the virtual clock. Inputs the raw binding rejects anyway are
   * passed through so the Worker sees the raw binding's exact message.
   */
  #toVirtual(options: PutOptions): PutOptions {
    if (!options || this.offsetMs() === 0) return options;
    const nowSec = Math.floor(this.now() / 1000);
    const { expirationTtl, expiration } = options;
    if (expirationTtl !== undefined && expirationTtl !== null) {
      const ttl = parseInt(String(expirationTtl));
      if (Number.isNaN(ttl) || ttl < 60) return options;
      const rest: KVNamespacePutOptions = { ...options };
      delete rest.expirationTtl;
      return { ...rest, expiration: nowSec + ttl };
    }
    if (expiration !== undefined && expiration !== null) {
      const at = parseInt(String(expiration));
      if (Number.isNaN(at) || at <= Math.floor(Date.now() / 1000)) return options;
      if (at <= nowSec) {
        throw new Error(
          `KV PUT failed: 400 Invalid expiration of ${expiration}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
        );
      }
      if (at < nowSec + 60) {
        throw new Error(
          `KV PUT failed: 400 Invalid expiration of ${expiration}. Expiration times must be at least 60 seconds in the future.`,
        );
      }
    }
    return options;
  }
}
