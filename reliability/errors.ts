/** @module reliability/errors Typed errors of the reliability tools: a code, and what to do. */
import { ProjectError } from "../lib/project-error.js";

export type ReliabilityErrorCode = "BAD_OPTION" | "TIME_BUDGET" | "BUNDLE_FAILED";

export class ReliabilityError<
  Code extends ReliabilityErrorCode = ReliabilityErrorCode,
> extends ProjectError<Code> {
  constructor(code: Code, message: string) {
    super(code, `[reliability] ${message}`);
  }
}
