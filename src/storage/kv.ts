/**
 * @module storage/kv
 * The KV backend: wraps the binding with a per-op timeout, write retries, the isolate read cache
 * (fresh hits do no KV read; stale entries answer when KV fails), metrics and one log line per op.
 */
import { now } from "../clock.js";
import type { Config } from "../env.js";
import { storageUnavailable } from "../errors.js";
import { logError, logStorage, type StorageOp } from "../log.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CachedRead } from "../state.js";
import type { LruCache } from "./lru-cache.js";
import { isRetryableKvError, withRetry, withTimeout } from "./retry.js";
import type {
  KvBinding,
  ListOptions,
  ListResult,
  PutOptions,
  StorageBackend,
  ValueWithMetadata,
} from "./types.js";

export interface KvBackendDeps {
  binding: KvBinding;
  config: Pick<Config, "opTimeoutMs" | "retryBaseMs" | "retryMaxAttempts" | "retryMaxTotalMs">;
  cache: LruCache<CachedRead>;
  metrics: Metrics;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Called when a write exhausted its retries; distinguishes "KV is down" from a caller bug. */
export class KvWriteError extends Error {
  readonly retryable: boolean;
  constructor(cause: unknown) {
    super(message(cause), { cause });
    this.name = "KvWriteError";
    this.retryable = isRetryableKvError(cause);
  }
}

export function createKvBackend(deps: KvBackendDeps): StorageBackend & {
  /** One attempt, no retries: used to flush pending writes without stalling the request. */
  putOnce(key: string, value: string, options?: PutOptions): Promise<void>;
} {
  const { binding, config, cache, metrics } = deps;
  const log = (
    op: StorageOp,
    key: string,
    outcome: string,
    start: number,
    extra: { error?: unknown; attempt?: number; count?: number } = {},
  ) =>
    logStorage({
      op,
      key,
      outcome,
      ms: now() - start,
      backend: "kv",
      ...(extra.attempt !== undefined ? { attempt: extra.attempt } : {}),
      ...(extra.count !== undefined ? { count: extra.count } : {}),
      ...("error" in extra ? { error: logError(op, extra.error) } : {}),
    });

  const timed = <T>(op: string, p: Promise<T>) => withTimeout(p, op, config.opTimeoutMs);

  /** Read through the cache; on failure fall back to whatever the isolate still holds. */
  async function readThrough(key: string): Promise<CachedRead> {
    const start = now();
    const hit = cache.getFresh(key);
    if (hit) {
      log("get", key, hit.value.value === null ? "hit_negative" : "hit", start);
      return hit.value;
    }
    metrics.reads++;
    try {
      const result = await timed("GET", binding.getWithMetadata(key, { type: "text" }));
      const read: CachedRead = { value: result.value, metadata: result.metadata ?? null };
      cache.set(key, read);
      metrics.record("get", now() - start);
      log("get", key, read.value === null ? "miss" : "ok", start);
      return read;
    } catch (error) {
      metrics.errors++;
      // A bad key (414) or similar is the caller's bug, not an outage: never mask it.
      if (!isRetryableKvError(error)) throw error;
      const stale = cache.peek(key);
      if (stale) {
        metrics.fallbacks++;
        log("get", key, "stale", start, { error });
        return stale.value;
      }
      log("get", key, "error", start, { error });
      throw storageUnavailable("Storage is temporarily unavailable; try again shortly", error);
    }
  }

  async function write(
    op: "put" | "delete",
    key: string,
    run: () => Promise<void>,
    retries: boolean,
  ): Promise<void> {
    const start = now();
    try {
      await withRetry(
        () => timed(op === "put" ? "PUT" : "DELETE", run()),
        {
          baseMs: config.retryBaseMs,
          maxAttempts: retries ? config.retryMaxAttempts : 1,
          maxTotalMs: config.retryMaxTotalMs,
        },
        (error, attempt) => {
          metrics.retries++;
          metrics.errors++;
          log(op, key, kvStatusOutcome(error), start, { attempt, error });
        },
      );
      if (op === "put") metrics.record("put", now() - start);
      log(op, key, "ok", start);
    } catch (error) {
      metrics.errors++;
      log(op, key, "error", start, { error });
      // Only outages become KvWriteError; a bad key or TTL is the caller's bug and keeps its type.
      throw isRetryableKvError(error) ? new KvWriteError(error) : error;
    }
  }

  const backend = {
    name: "kv" as const,

    async get(key: string): Promise<string | null> {
      return (await readThrough(key)).value;
    },

    async getWithMetadata(key: string): Promise<ValueWithMetadata> {
      return readThrough(key);
    },

    async getMany(keys: string[]): Promise<Map<string, string | null>> {
      const out = new Map<string, string | null>();
      const missing: string[] = [];
      for (const key of keys) {
        const hit = cache.getFresh(key);
        if (hit) out.set(key, hit.value.value);
        else missing.push(key);
      }
      if (missing.length === 0) return out;
      const start = now();
      metrics.reads++;
      try {
        const result = await timed("GET_BULK", binding.get(missing, { type: "text" }));
        for (const key of missing) {
          const value = result.get(key) ?? null;
          out.set(key, value);
          // Bulk get has no metadata: only cache misses-with-metadata-unknown as values of keys we
          // don't already hold, keeping metadata from a previous single read.
          cache.set(key, { value, metadata: cache.peek(key)?.value.metadata ?? null });
        }
        metrics.record("get", now() - start);
        log("getMany", missing[0] ?? "", "ok", start, { count: missing.length });
        return out;
      } catch (error) {
        metrics.errors++;
        if (!isRetryableKvError(error)) throw error;
        const unheld = missing.filter((key) => !cache.peek(key));
        if (unheld.length > 0) {
          log("getMany", missing[0] ?? "", "error", start, { error });
          throw storageUnavailable("Storage is temporarily unavailable; try again shortly", error);
        }
        metrics.fallbacks++;
        for (const key of missing) out.set(key, cache.peek(key)!.value.value);
        log("getMany", missing[0] ?? "", "stale", start, { count: missing.length });
        return out;
      }
    },

    async put(key: string, value: string, options: PutOptions = {}): Promise<void> {
      metrics.writes++;
      await write("put", key, () => binding.put(key, value, options), true);
      cache.set(key, { value, metadata: options.metadata ?? null });
    },

    async putOnce(key: string, value: string, options: PutOptions = {}): Promise<void> {
      metrics.writes++;
      await write("put", key, () => binding.put(key, value, options), false);
      cache.set(key, { value, metadata: options.metadata ?? null });
    },

    async delete(key: string): Promise<void> {
      metrics.deletes++;
      await write("delete", key, () => binding.delete(key), true);
      cache.set(key, { value: null, metadata: null });
    },

    async list(options: ListOptions = {}): Promise<ListResult> {
      const start = now();
      metrics.lists++;
      try {
        const result = await timed("LIST", binding.list(options));
        metrics.record("list", now() - start);
        log("list", options.prefix ?? "", "ok", start, { count: result.keys.length });
        return result.list_complete
          ? { keys: result.keys, list_complete: true }
          : { keys: result.keys, list_complete: false, cursor: result.cursor ?? "" };
      } catch (error) {
        metrics.errors++;
        log("list", options.prefix ?? "", "error", start, { error });
        if (!isRetryableKvError(error)) throw error;
        throw storageUnavailable("Storage is temporarily unavailable; try again shortly", error);
      }
    },
  };
  return backend;
}

function kvStatusOutcome(error: unknown): string {
  return /failed: 429/.test(message(error)) ? "rate_limited" : "retry";
}
