/**
 * @module harness
 * The harness library: boot the share Worker in Miniflare with persisted KV, a fault-injecting,
 * production-emulating KV layer, virtual time and N isolates.
 */
import type { Harness, HarnessOptions } from "./types";
import { createHarness as create } from "./node/create-harness";

export type * from "./types";
export { HarnessError, type HarnessErrorCode } from "./errors";
export { faultRuleSchema, parseFaultRule } from "./node/fault-rule-schema";
export { workerdChildren } from "./node/runtime";

/** Boot the share Worker behind the KV layer. Dispose it (or `await using`) when done. */
export function createHarness(options?: HarnessOptions): Promise<Harness> {
  return create(options);
}
