/**
 * @module harness/workers/harness-env
 * What the harness adds around a Worker and takes away again before the Worker sees its request:
 * two request headers (virtual clock offset, KV mode) and the hidden `__HARNESS_*` bindings each
 * of the Worker's KV namespaces (every `kv_namespaces` entry of its wrangler.jsonc) is built from.
 * Shared by Node (`runtime.ts`) and the workers.
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
} as const;

/** The hidden bindings one KV namespace of the Worker is built from (`suffix`: `_<i>` in probes). */
export function hiddenKv(binding: string, suffix = "") {
  return {
    /** Miniflare's own KV namespace. */
    raw: `__HARNESS_KV_RAW__${binding}`,
    /** A real KvNamespace whose backend is the layer's KV service, per isolate. */
    layer: `__HARNESS_KV_LAYER__${binding}${suffix}`,
    /** The same for `getWithMetadata`, which KV's wire protocol cannot tell apart from `get`. */
    layerMeta: `__HARNESS_KV_LAYER_META__${binding}${suffix}`,
  };
}

/**
 * A real R2Bucket whose backend is the layer's R2 service (fault rules with `service: "r2"`); the
 * Worker gets it in place of Miniflare's bucket in `layer` mode.
 */
export const hiddenR2 = (binding: string) => `__HARNESS_R2_LAYER__${binding}`;

/** The kv-layer worker's way to one bucket's Miniflare store (R2's HTTP protocol, unchanged). */
export const upstreamR2Name = (binding: string) => `R2_UPSTREAM__${binding}`;

/** The kv-layer worker's binding to one namespace's Miniflare store. */
export const rawKvName = (binding: string) => `RAW_KV__${binding}`;

/** Passed to each Worker isolate as the `__HARNESS_KV` JSON binding. */
export interface BindingConfig {
  /** The Worker's KV binding names, as wrangler.jsonc declares them (`kv_namespaces`). */
  bindings: string[];
  /** The Worker's R2 binding names (`r2_buckets`). */
  r2: string[];
  isolate: number;
  /** KV operations allowed per invocation (production: 1000), over all namespaces; unlimited when absent. */
  opsPerInvocation?: number;
}

/** The KV layer service's `props`: which namespace, which location calls, which read method. */
export interface ServiceProps {
  /** The Worker's binding name of the namespace called. */
  binding: string;
  isolate: number;
  read: "get" | "getWithMetadata";
}

/** The layer's R2 service's `props`: which bucket, which location calls. */
export interface R2ServiceProps {
  binding: string;
  isolate: number;
}

/** The Worker's own bindings: `env` without the harness's hidden ones. */
export function ownBindings(env: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(HIDDEN_PREFIX)) out[name] = value;
  }
  return out;
}
