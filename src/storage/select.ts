/**
 * @module storage/select
 * Picks the backend for a request from config and layers it (`layers/stack.ts`): the KV backend
 * over this request's binding with every layer, or the isolate's memory backend with the same
 * metrics, logging and outage layers.
 */
import type { Config, Env } from "../env.js";
import type { IsolateState } from "../state.js";
import { createKvBackend } from "./kv.js";
import { layered } from "./layers/stack.js";
import type { KvBinding, StorageBackend } from "./types.js";

export function selectBackend(env: Env, config: Config, state: IsolateState): StorageBackend {
  if (config.backend === "kv") {
    state.cache.configure(config.cacheMaxEntries, config.cacheTtlMs);
    return layered(createKvBackend(env.SHARE_DATA_KV as unknown as KvBinding), {
      metrics: state.metrics,
      cache: state.cache,
      timeoutMs: config.opTimeoutMs,
      retry: {
        baseMs: config.retryBaseMs,
        maxAttempts: config.retryMaxAttempts,
        maxTotalMs: config.retryMaxTotalMs,
      },
    });
  }
  return layered(state.memory, { metrics: state.metrics });
}
