/**
 * @module harness/workers/isolate-reset
 * The header Node sends (and only Node: the runtime strips it from proxied requests) to make an
 * entry worker drop its isolate's memory, as a fresh isolate would start (`Harness.reset()`).
 */
export const ISOLATE_RESET_HEADER = "x-harness-reset-isolate";
