/** @module harness/errors Typed harness errors: every failure carries a code and says what to do. */
import { ProjectError } from "../lib/project-error.js";

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
  /** KV refused what the caller asked (a key past 512 bytes, a value or metadata too large, a TTL under 60 s). */
  | "BAD_KV_CALL"
  /** The runtime was restarting or crashed under the call; retry shortly. */
  | "UNAVAILABLE";

export class HarnessError<
  Code extends HarnessErrorCode = HarnessErrorCode,
> extends ProjectError<Code> {
  constructor(code: Code, message: string) {
    super(code, `[harness] ${message}`);
  }
}
