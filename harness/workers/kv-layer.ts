/**
 * @module harness/workers/kv-layer
 * The KV operations one isolate's Worker performs, in order: count, apply a fault rule, enforce the
 * production write limit, serve from the location's edge cache, then the virtual-clock store.
 */
import type { FaultRule, KvOp } from "../types";
import { cacheId } from "./edge-cache";
import { injectedClientError, kvStatusError, methodOf, networkError } from "./kv-errors";
import type { LayerState } from "./layer-state";
import type { VirtualStore } from "./virtual-store";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function typeOf(options: unknown): string {
  if (typeof options === "string") return options;
  const type = (options as { type?: string } | undefined)?.type;
  return type ?? "text";
}

function cacheTtlMs(options: unknown): number {
  const ttl = (options as { cacheTtl?: number } | undefined)?.cacheTtl;
  return typeof ttl === "number" ? ttl * 1000 : 0;
}

export class KvLayerOps {
  constructor(
    readonly state: LayerState,
    readonly store: VirtualStore,
    readonly isolate: number,
  ) {}

  get production(): boolean {
    return this.state.config.profile === "production";
  }

  async get(key: string | string[], options?: unknown): Promise<unknown> {
    await this.#enter("get", key, "reads", Array.isArray(key));
    return this.#cachedRead(key, options, "get");
  }

  async getWithMetadata(key: string | string[], options?: unknown): Promise<unknown> {
    await this.#enter("getWithMetadata", key, "reads", Array.isArray(key));
    return this.#cachedRead(key, options, "meta");
  }

  async put(key: string, value: never, options?: KVNamespacePutOptions): Promise<void> {
    await this.#enter("put", key, "writes");
    if (this.production) {
      const now = this.store.now();
      const last = this.state.lastWrite.get(key);
      if (last !== undefined && now - last < 1000) {
        this.state.countersFor(this.isolate).rateLimited += 1;
        throw kvStatusError("PUT", 429);
      }
    }
    await this.store.put(key, value, options);
    if (this.production) {
      this.state.lastWrite.set(key, this.store.now());
      this.#writerSees(key);
    }
  }

  async delete(key: string): Promise<void> {
    await this.#enter("delete", key, "deletes");
    await this.store.delete(key);
    if (this.production) this.#writerSees(key);
  }

  async list(options?: KVNamespaceListOptions): Promise<unknown> {
    await this.#enter("list", options?.prefix ?? "", "lists");
    if (!this.production) return this.store.list(options);
    const cache = this.state.cacheFor(this.isolate);
    const id = cacheId.list(options);
    const hit = cache.read(id, this.store.now());
    if (hit) return hit.value;
    const result = await this.store.list(options);
    cache.write(id, result, this.#until(options));
    return result;
  }

  #writerSees(key: string): void {
    if (this.state.config.writerSeesOwnWrites) this.state.cacheFor(this.isolate).invalidate(key);
  }

  #until(options: unknown): number {
    const window = Math.max(60_000, this.state.config.edgeCacheTtlMs, cacheTtlMs(options));
    return this.store.now() + window;
  }

  /** Reads through the location's edge cache (production) or straight to the store. */
  async #cachedRead(key: string | string[], options: unknown, kind: "get" | "meta") {
    const type = typeOf(options);
    const read = (k: string | string[]) =>
      kind === "get" ? this.store.get(k, options) : this.store.getWithMetadata(k, options);
    if (!this.production || type === "stream") return read(key);
    const cache = this.state.cacheFor(this.isolate);
    const idOf = (k: string) => (kind === "get" ? cacheId.get(type, k) : cacheId.meta(type, k));
    const now = this.store.now();
    if (!Array.isArray(key)) {
      const hit = cache.read(idOf(key), now);
      if (hit) return hit.value;
      const value = await read(key);
      cache.write(idOf(key), value, await this.#untilAlive(key, options));
      return value;
    }
    const result = new Map<string, unknown>();
    const missing = key.filter((k) => !cache.read(idOf(k), now));
    const fresh = missing.length ? ((await read(missing)) as Map<string, unknown>) : new Map();
    for (const k of key) {
      if (fresh.has(k)) {
        result.set(k, fresh.get(k));
        cache.write(idOf(k), fresh.get(k), await this.#untilAlive(k, options));
      } else {
        result.set(k, cache.read(idOf(k), now)?.value ?? null);
      }
    }
    return result;
  }

  /** Expiry takes precedence over caching: never serve a cached value past its expiration. */
  async #untilAlive(key: string, options: unknown): Promise<number> {
    const until = this.#until(options);
    const expiration = await this.store.expirationOf(key);
    return expiration === undefined ? until : Math.min(until, expiration * 1000);
  }

  /** Count the op, then let the first matching fault rule act on it. */
  async #enter(
    op: KvOp,
    key: string | string[],
    counter: "reads" | "writes" | "deletes" | "lists",
    bulk = false,
  ) {
    const counters = this.state.countersFor(this.isolate);
    counters[counter] += 1;
    const rule = this.state.faults.decide(
      Array.isArray(key)
        ? { op, key: key[0] ?? "", keys: key, isolate: this.isolate }
        : { op, key, isolate: this.isolate },
    );
    if (rule) await this.#apply(rule, op, bulk);
  }

  async #apply(rule: FaultRule, op: KvOp, bulk: boolean): Promise<void> {
    const counters = this.state.countersFor(this.isolate);
    switch (rule.kind) {
      case "latency":
        await sleep((rule.ms ?? 0) + this.state.faults.fraction(rule.id) * (rule.jitterMs ?? 0));
        return;
      case "hang":
        await sleep(rule.ms ?? 30_000);
        counters.faults += 1;
        throw networkError();
      case "network":
        counters.faults += 1;
        throw networkError();
      case "error": {
        counters.faults += 1;
        const status = rule.status ?? 500;
        if (status === 400 || status === 413 || status === 414) {
          throw injectedClientError(op, bulk, status, rule.reason);
        }
        throw kvStatusError(methodOf(op, bulk), status);
      }
    }
  }
}
