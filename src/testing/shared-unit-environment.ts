/**
 * @module testing/shared-unit-environment
 * A Vitest environment (Node's) under which the test files of one Vitest worker share one unit
 * test worker (`useUnitWorker()`), disposed when the worker stops. `npm run test:mutation` uses it:
 * each mutant's run is a new Vitest worker, and one workerd boot per mutant instead of one per test
 * file is most of what a mutant costs.
 */
import { builtinEnvironments, type Environment } from "vitest/runtime";
import { SHARED_UNIT_WORKER, type SharedUnitWorker } from "./shared-unit-slot.js";

export default {
  name: "shared-unit-worker",
  viteEnvironment: "ssr",
  async setup(global: typeof globalThis, options: Record<string, unknown>) {
    const node = await builtinEnvironments.node.setup(global, options);
    const slot: SharedUnitWorker = {};
    (global as { [SHARED_UNIT_WORKER]?: SharedUnitWorker })[SHARED_UNIT_WORKER] = slot;
    return {
      async teardown(global: typeof globalThis) {
        await slot.unit?.dispose();
        await node.teardown(global);
      },
    };
  },
} satisfies Environment;
