/**
 * @module harness/node/kv-binding-plugin
 * A Miniflare external plugin (the `unsafe:` binding plugin API): a binding of type
 * `unsafe:harness-kv` becomes a workerd `kvNamespace` binding whose backend is one of our worker
 * entrypoints, so the isolate holds a real `KvNamespace` (workerd's own argument handling,
 * validation, errors and result shapes) that talks KV's HTTP protocol to the KV layer.
 * Loaded by Miniflare with `import()`, hence plain JavaScript. Used only by `runtime.ts`.
 */

/** @typedef {{ type: string, service: string, entrypoint: string, props: unknown }} HarnessKvBinding */

export const plugins = {
  "harness-kv": {
    /** @param {{ config: { env?: Record<string, HarnessKvBinding> } }} options */
    getBindings(options) {
      return Object.entries(options.config.env ?? {})
        .filter(([, binding]) => binding.type === "unsafe:harness-kv")
        .map(([name, binding]) => ({
          name,
          kvNamespace: {
            name: binding.service,
            entrypoint: binding.entrypoint,
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
  },
};
