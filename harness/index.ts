/**
 * @module harness
 * The harness library: boot the share Worker in Miniflare with persisted KV, a fault-injecting,
 * production-emulating KV layer, virtual time and N isolates.
 */
import type { Harness, HarnessOptions } from "./types.js";
import { createHarness as create } from "./node/create-harness.js";

export type * from "./types.js";
export { HarnessError, type HarnessErrorCode } from "./errors.js";
export { faultRuleSchema, parseFaultRule } from "./node/fault-rule-schema.js";
export { workerdChildren } from "./node/runtime.js";

/** Boot the share Worker behind the KV layer. Dispose it (or `await using`) when done. */
export function createHarness(options?: HarnessOptions): Promise<Harness> {
  return create(options);
}
