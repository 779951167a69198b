/**
 * @module harness/workers/harness-env
 * What the harness adds around a Worker and takes away again before the Worker sees its request:
 * two request headers (virtual clock offset, KV mode) and the hidden `__HARNESS_*` bindings the
 * Worker's `SHARE_DATA_KV` is built from. Shared by Node (`runtime.ts`) and the workers.
 */

/**
 * Virtual clock offset (ms) for this request. Node sends it with {@link KV_MODE_HEADER}
 * whenever the KV mode is `layer`, and removes both from every request otherwise: no header means
 * offset 0, mode `direct`.
 */
export const CLOCK_OFFSET_HEADER = "x-harness-clock-offset";

/**
 * `direct`: the Worker's KV calls go straight to Miniflare's binding (no rules, miniflare
 * profile, clock at real time: nothing to model). `layer`: through the KV layer's service.
 */
export const KV_MODE_HEADER = "x-harness-kv-mode";

export type KvMode = "direct" | "layer";

/** Every binding the harness adds starts with this; the Worker's env never contains one. */
export const HIDDEN_PREFIX = "__HARNESS_";

export const HIDDEN = {
  /** JSON: {@link BindingConfig}. */
  config: "__HARNESS_KV",
  /** Miniflare's own KV namespace. */
  raw: "__HARNESS_KV_RAW",
  /** A real KvNamespace whose backend is the layer's KV service, per isolate (`_<i>` in probes). */
  layer: "__HARNESS_KV_LAYER",
  /** The same for `getWithMetadata`, which KV's wire protocol cannot tell apart from `get`. */
  layerMeta: "__HARNESS_KV_LAYER_META",
} as const;

/** Passed to each share worker as the `__HARNESS_KV` JSON binding. */
export interface BindingConfig {
  /** The Worker's KV binding name (wrangler.jsonc), e.g. `SHARE_DATA_KV`. */
  binding: string;
  isolate: number;
  /** KV operations allowed per invocation (production: 1000); unlimited when absent. */
  opsPerInvocation?: number;
}

/** The KV layer service's `props`: which location calls, and which read method it made. */
export interface ServiceProps {
  isolate: number;
  read: "get" | "getWithMetadata";
}

/** The Worker's own bindings: `env` without the harness's hidden ones. */
export function ownBindings(env: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(HIDDEN_PREFIX)) out[name] = value;
  }
  return out;
}
