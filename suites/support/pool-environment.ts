/**
 * @module suites/support/pool-environment
 * The suites project's Vitest environment: Node's, plus disposing this worker's shared harnesses
 * (`harness-pool.ts`) when the worker stops, so no workerd process or temporary store outlives
 * the run.
 */
import { builtinEnvironments, type Environment } from "vitest/runtime";
import { POOL_SYMBOL, type HarnessPool } from "./harness-pool.js";

export default {
  name: "suites-harness-pool",
  viteEnvironment: "ssr",
  async setup(global: typeof globalThis, options: Record<string, unknown>) {
    const node = await builtinEnvironments.node.setup(global, options);
    return {
      async teardown(global: typeof globalThis) {
        await (global as { [POOL_SYMBOL]?: HarnessPool })[POOL_SYMBOL]?.disposeAll();
        await node.teardown(global);
      },
    };
  },
} satisfies Environment;
