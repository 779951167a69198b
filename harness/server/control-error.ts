/**
 * @module harness/server/control-error
 * Typed errors of the dev server and control API, rendered as `{ error: { code, message } }`.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HarnessError, type HarnessErrorCode } from "../errors.js";
import { RUNTIME_RETRY_AFTER_SECONDS } from "../node/request-gate.js";

/** Every `error.code` of the dev server and control API (its OpenAPI document lists them). */
export const CONTROL_ERROR_CODES = [
  "invalid_json",
  "invalid_input",
  "invalid_isolate",
  "clock_in_past",
  "key_not_found",
  "route_not_found",
  "asset_not_found",
  "session_not_found",
  "too_many_sessions",
  "worker_unavailable",
  "memory_backend",
  "method_not_allowed",
  "host_not_allowed",
  "invalid_path",
  "cross_origin_refused",
  "unsupported_media_type",
  "payload_too_large",
  "harness_failed",
] as const;

export type ControlErrorCode = (typeof CONTROL_ERROR_CODES)[number];

/**
 * A control-input problem the caller can fix (4xx), or a harness failure (500).
 * @example throw new ControlError("invalid_input", "ms: expected a number", 400)
 */
export class ControlError extends Error {
  override readonly name = "ControlError";

  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly status: ContentfulStatusCode = 400,
    /** Sent with the answer, e.g. `Allow` on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): { error: { code: ControlErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Harness errors caused by what the caller sent, so a 400 rather than a 500. */
const CALLER_MISTAKES = new Set<HarnessErrorCode>([
  "BAD_RULE",
  "BAD_ISOLATE",
  "BAD_OPTION",
  "CLOCK_BACKWARDS",
  "BAD_KV_CALL",
]);

/** The JSON body for any error thrown while serving a control or proxied request. */
export function errorBody(err: unknown): {
  status: ContentfulStatusCode;
  body: { error: { code: string; message: string } };
  headers?: Record<string, string>;
} {
  if (err instanceof ControlError) {
    return { status: err.status, body: err.toJSON(), headers: err.headers };
  }
  if (err instanceof HarnessError && err.code === "UNAVAILABLE") {
    // The runtime was restarting or crashed under the call: the same answer the Worker proxy gives.
    return {
      status: 503,
      body: { error: { code: "worker_unavailable", message: err.message } },
      headers: { "Retry-After": String(RUNTIME_RETRY_AFTER_SECONDS) },
    };
  }
  if (err instanceof HarnessError && CALLER_MISTAKES.has(err.code)) {
    return { status: 400, body: { error: { code: "invalid_input", message: err.message } } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { code: "harness_failed", message } } };
}
