/** @module harness/errors Typed harness errors: every failure carries a code and says what to do. */

export type HarnessErrorCode =
  | "CONFIG_INVALID"
  | "BAD_OPTION"
  | "BUNDLE_FAILED"
  | "PATCH_MISMATCH"
  | "CLOCK_BACKWARDS"
  | "BAD_ISOLATE"
  | "BAD_RULE"
  | "DISPOSED"
  | "ADMIN_FAILED"
  /** The runtime was restarting or crashed under the call; retry shortly. */
  | "UNAVAILABLE";

export class HarnessError<Code extends HarnessErrorCode = HarnessErrorCode> extends Error {
  override readonly name = "HarnessError";
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(`[harness] ${message}`);
  }
}
