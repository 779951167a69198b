/**
 * @module cli/cli-error
 * Errors the CLIs report as one clear message and an exit code, never as a stack trace.
 */
import { ProjectError } from "../lib/project-error.js";

/** Exit codes: 2 for bad flags (as most CLIs do), 1 when the harness or the store failed. */
import { EXIT_USAGE } from "../lib/program.js";

export { EXIT_USAGE };
export const EXIT_FAILURE = 1;

export type CliErrorCode =
  "USAGE" | "PORT_IN_USE" | "STORE_NOT_EMPTY" | "STORE_IN_USE" | "HARNESS_FAILED";

/**
 * @example throw new CliError("USAGE", "--isolates must be a whole number from 1 to 16, got 0")
 */
export class CliError extends ProjectError<CliErrorCode> {
  constructor(
    code: CliErrorCode,
    message: string,
    readonly exitCode: number = code === "USAGE" ? EXIT_USAGE : EXIT_FAILURE,
  ) {
    super(code, message);
  }
}
