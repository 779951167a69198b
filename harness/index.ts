/**
 * @module harness
 * The harness library: boot any Worker from its wrangler.jsonc in Miniflare with persisted KV, a
 * fault-injecting, production-emulating KV layer in front of each of its KV namespaces, virtual
 * time and N isolates. The share Worker's harness is `harness/share/` (`createShareHarness()`).
 */
import type { Harness, HarnessOptions } from "./types.js";
import type { HarnessPlugin } from "./node/plugin.js";
import { createHarness as create } from "./node/create-harness.js";

export type * from "./types.js";
export type { HarnessPlugin } from "./node/plugin.js";
export type { IsolateHooks } from "./workers/isolate-hooks.js";
export { HarnessError, type HarnessErrorCode } from "./errors.js";
export { faultRuleSchema, parseFaultRule } from "./node/fault-rule-schema.js";
export { workerdChildren } from "./node/runtime.js";

/**
 * Boot the Worker `config` (its wrangler.jsonc) behind the KV layer, with what its `plugin` adds.
 * Dispose it (or `await using`) when done.
 */
export function createHarness(
  options: HarnessOptions & { config: string; plugin?: HarnessPlugin },
): Promise<Harness> {
  return create(options);
}
