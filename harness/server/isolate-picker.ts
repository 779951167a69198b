/**
 * @module harness/server/isolate-picker
 * Chooses which Worker isolate (location) serves a proxied request: the one named by the
 * `x-harness-isolate` header, else isolate 0 or, with `round-robin`, the next one in turn.
 */
import { ControlError } from "./control-error.js";

export const ISOLATE_HEADER = "x-harness-isolate";

/** `first`: every request without the header goes to isolate 0, like one user at one location. */
export type IsolateStrategy = "first" | "round-robin";

/**
 * @example const pick = createIsolatePicker(3, "round-robin"); pick(null) // 0, then 1, 2, 0...
 */
export function createIsolatePicker(
  isolates: number,
  strategy: IsolateStrategy,
): (header: string | null | undefined) => number {
  let next = 0;
  return (header) => {
    if (header === null || header === undefined || header === "") {
      if (strategy === "first") return 0;
      const isolate = next;
      next = (next + 1) % isolates;
      return isolate;
    }
    const isolate = /^\d+$/.test(header.trim()) ? Number(header.trim()) : Number.NaN;
    if (!Number.isSafeInteger(isolate) || isolate >= isolates) {
      throw new ControlError(
        "invalid_isolate",
        `${ISOLATE_HEADER}: ${JSON.stringify(header)} is not an isolate; the harness runs isolates 0..${isolates - 1}`,
      );
    }
    return isolate;
  };
}
