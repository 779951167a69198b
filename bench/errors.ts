/** @module bench/errors Typed benchmark errors: each names what failed and what to do. */
import { ProjectError } from "../lib/project-error.js";

export type BenchErrorCode = "BAD_OPTION" | "SERVER_FAILED" | "REQUEST_FAILED" | "SUITES_MISSING";

export class BenchError extends ProjectError<BenchErrorCode> {
  constructor(code: BenchErrorCode, message: string) {
    super(code, `[bench] ${message}`);
  }
}
