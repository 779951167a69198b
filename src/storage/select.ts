/**
 * @module storage/select
 * Picks the backend for a request from config: the KV backend over this request's binding, or the
 * isolate's memory backend (instrumented with the same metrics and log lines).
 */
import { now } from "../clock.js";
import type { Config, Env } from "../env.js";
import { logError, logStorage, type StorageOp } from "../log.js";
import type { IsolateState } from "../state.js";
import { createKvBackend } from "./kv.js";
import type { KvBinding, StorageBackend } from "./types.js";

export type SelectedBackend = StorageBackend & {
  putOnce?: StorageBackend["put"];
};

export function selectBackend(env: Env, config: Config, state: IsolateState): SelectedBackend {
  if (config.backend === "kv") {
    state.cache.configure(config.cacheMaxEntries, config.cacheTtlMs);
    return createKvBackend({
      binding: env.SHARE_DATA_KV as unknown as KvBinding,
      config,
      cache: state.cache,
      metrics: state.metrics,
    });
  }
  return instrumentMemory(state);
}

function instrumentMemory(state: IsolateState): StorageBackend {
  const inner = state.memory;
  const m = state.metrics;
  async function run<T>(
    op: StorageOp,
    key: string,
    count: () => void,
    fn: () => Promise<T>,
    outcome: (v: T) => string = () => "ok",
  ): Promise<T> {
    const start = now();
    count();
    try {
      const result = await fn();
      const ms = now() - start;
      if (op === "get" || op === "getMany") m.record("get", ms);
      if (op === "put") m.record("put", ms);
      if (op === "list") m.record("list", ms);
      logStorage({ op, key, outcome: outcome(result), ms, backend: "memory" });
      return result;
    } catch (error) {
      m.errors++;
      logStorage({
        op,
        key,
        outcome: "error",
        ms: now() - start,
        backend: "memory",
        error: logError(op, error),
      });
      throw error;
    }
  }
  return {
    name: "memory",
    get: (key) =>
      run(
        "get",
        key,
        () => m.reads++,
        () => inner.get(key),
        (v) => (v === null ? "miss" : "hit"),
      ),
    getMany: (keys) =>
      run(
        "getMany",
        keys[0] ?? "",
        () => m.reads++,
        () => inner.getMany(keys),
      ),
    getWithMetadata: (key) =>
      run(
        "get",
        key,
        () => m.reads++,
        () => inner.getWithMetadata(key),
        (v) => (v.value === null ? "miss" : "hit"),
      ),
    put: (key, value, options) =>
      run(
        "put",
        key,
        () => m.writes++,
        () => inner.put(key, value, options),
      ),
    delete: (key) =>
      run(
        "delete",
        key,
        () => m.deletes++,
        () => inner.delete(key),
      ),
    list: (options) =>
      run(
        "list",
        options?.prefix ?? "",
        () => m.lists++,
        () => inner.list(options),
      ),
  };
}
