/**
 * @module suites/support/harness-target
 * A harness in this process for one block: an empty temporary store, the Worker exactly as
 * bundled from `src/` (plus a mutant's patches under `HARNESS_MUTANT`), every control. Blocks with
 * the same boot options take turns on one pooled harness, reset in between to the block's vars
 * (`harness-pool.ts`).
 */
import { backendOf, createShareHarness } from "../../harness/share/index.js";
import { getMutant } from "../../mutants/index.js";
import { capabilities } from "./capabilities.js";
import { harnessPool } from "./harness-pool.js";
import { OwnData } from "./own-data.js";
import { SUITE_RATE_LIMITS, SUITE_VARS, type Target, type TargetRequest } from "./target.js";

export async function createHarnessTarget(
  request: TargetRequest,
  mutant: string | undefined,
): Promise<Target> {
  const vars = { ...SUITE_VARS, ...request.vars };
  const pluginOptions = { backend: request.backend };
  const boot = {
    persistTo: "temp",
    isolates: request.isolates,
    profile: request.profile,
    rateLimits: request.rateLimits ?? SUITE_RATE_LIMITS,
    ...(mutant ? { sourcePatches: getMutant(mutant).patches } : {}),
  };
  const pool = harnessPool();
  const bootOwn = () => createShareHarness({ ...boot, pluginOptions, vars });
  // Vars and the backend (a var too) need no workerd of their own: a pooled harness takes the
  // block's at its reset. A limiter's counts live in Miniflare and outlast a reset, so a block
  // with limits of its own gets a harness of its own (`release` disposes one it did not pool).
  const harness = request.rateLimits
    ? await bootOwn()
    : await pool.acquire(JSON.stringify({ ...boot, mutant }), { vars, pluginOptions }, bootOwn);
  return {
    kind: "harness",
    label: `harness (Miniflare in the test process)${mutant ? `, mutant ${mutant}` : ""}`,
    backend: backendOf(harness),
    isolates: harness.options.isolates,
    profile: harness.options.profile,
    capabilities: capabilities[backendOf(harness)],
    // Blank is unset, as the Worker reads it (no Authorization header can carry it).
    adminToken: vars.ADMIN_TOKEN?.trim() || undefined,
    freshStore: true,
    oneLocation: true,
    eventual: false,
    own: new OwnData(),
    fetch: (path, init, isolate) => harness.fetch(path, init, isolate),
    control: {
      restart: async () => void (await harness.restart()),
      crashAndRecover: async () => void (await harness.crashAndRecover()),
      faults: { add: (rule) => harness.faults.add(rule), clear: () => harness.faults.clear() },
      clock: { now: async () => harness.clock.now(), advance: (ms) => harness.clock.advance(ms) },
      kv: harness.kv,
      r2: harness.r2,
      counters: { get: () => harness.counters(), reset: () => harness.resetCounters() },
      logs: { all: async () => harness.logs.all() },
      useHandlers: (...handlers) => harness.useHandlers(...handlers),
    },
    dispose: () => pool.release(harness),
  };
}
