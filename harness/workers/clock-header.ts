/**
 * @module harness/workers/clock-header
 * The header that carries the virtual clock's offset (ms) from Node to the entry worker.
 */
export const CLOCK_OFFSET_HEADER = "x-harness-clock-offset";
