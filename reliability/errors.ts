/** @module reliability/errors Typed errors of the reliability tools: a code, and what to do. */

export type ReliabilityErrorCode = "BAD_OPTION" | "TIME_BUDGET" | "BUNDLE_FAILED";

export class ReliabilityError<
  Code extends ReliabilityErrorCode = ReliabilityErrorCode,
> extends Error {
  override readonly name = "ReliabilityError";
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(`[reliability] ${message}`);
  }
}
