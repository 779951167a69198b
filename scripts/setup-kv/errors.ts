/** @module Typed errors of the KV setup script; each code has its own exit status. */
import { ProjectError } from "../../lib/project-error.js";

/** Exit status per error code, so CI logs and wrappers can tell failures apart. */
export const EXIT_CODES = {
  CONFIG_NOT_FOUND: 3,
  CONFIG_UNPARSEABLE: 4,
  WRANGLER_NOT_INSTALLED: 5,
  NOT_LOGGED_IN: 6,
  NO_KV_PERMISSION: 7,
  WRANGLER_OUTPUT_UNPARSEABLE: 8,
  WRANGLER_FAILED: 9,
  NO_R2_PERMISSION: 10,
  NODE_TOO_OLD: 11,
} as const;

export type SetupKvErrorCode = keyof typeof EXIT_CODES;

/** A failure the user can act on; `message` is one paragraph saying what happened and what to do. */
export class SetupKvError extends ProjectError<SetupKvErrorCode> {
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}
