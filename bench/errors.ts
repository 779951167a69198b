/** @module bench/errors Typed benchmark errors: each names what failed and what to do. */

export type BenchErrorCode = "BAD_OPTION" | "SERVER_FAILED" | "REQUEST_FAILED" | "SUITES_MISSING";

export class BenchError extends Error {
  override readonly name = "BenchError";
  constructor(
    readonly code: BenchErrorCode,
    message: string,
  ) {
    super(`[bench] ${message}`);
  }
}
