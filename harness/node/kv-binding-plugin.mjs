/**
 * @module harness/node/kv-binding-plugin
 * A Miniflare external plugin (the `unsafe:` binding plugin API) for the bindings the harness
 * points at its own worker entrypoints, so the isolate holds real workerd bindings (workerd's own
 * argument handling, validation, errors and result shapes) that talk the service's HTTP protocol:
 * - `unsafe:harness-kv`: a `kvNamespace` whose backend is the KV layer;
 * - `unsafe:harness-r2`: an `r2Bucket` whose backend is the layer's R2 service;
 * - `unsafe:harness-service`: a plain service binding to any workerd service by name (the layer's
 *   way to Miniflare's own R2 bucket service).
 * Loaded by Miniflare with `import()`, hence plain JavaScript. Used only by `runtime.ts`.
 */

/** @typedef {{ type: string, service: string, entrypoint?: string, props: unknown }} HarnessBinding */

/**
 * @param {string} type
 * @param {"kvNamespace" | "r2Bucket" | "service"} workerdField
 */
function plugin(type, workerdField) {
  return {
    /** @param {{ config: { env?: Record<string, HarnessBinding> } }} options */
    getBindings(options) {
      return Object.entries(options.config.env ?? {})
        .filter(([, binding]) => binding.type === `unsafe:${type}`)
        .map(([name, binding]) => ({
          name,
          [workerdField]: {
            name: binding.service,
            ...(binding.entrypoint ? { entrypoint: binding.entrypoint } : {}),
            props: { json: JSON.stringify(binding.props) },
          },
        }));
    },
    getNodeBindings() {
      return {};
    },
    getServices() {
      return [];
    },
  };
}

export const plugins = {
  "harness-kv": plugin("harness-kv", "kvNamespace"),
  "harness-r2": plugin("harness-r2", "r2Bucket"),
  "harness-service": plugin("harness-service", "service"),
};
