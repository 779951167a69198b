/**
 * @module cli/cli-error
 * Errors the CLIs report as one clear message and an exit code, never as a stack trace.
 */

/** Exit codes: 2 for bad flags (as most CLIs do), 1 when the harness or the store failed. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export type CliErrorCode =
  "usage" | "port_in_use" | "store_not_empty" | "store_in_use" | "harness_failed";

/**
 * @example throw new CliError("usage", "--isolates must be a whole number from 1 to 16, got 0")
 */
export class CliError extends Error {
  override readonly name = "CliError";

  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode: number = code === "usage" ? EXIT_USAGE : EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** Thrown instead of exiting when `--help` or `--version` printed their text. */
export class HelpShown extends Error {
  override readonly name = "HelpShown";
}
