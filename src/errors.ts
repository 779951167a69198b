/**
 * @module errors
 * The one typed error every layer throws; `app.onError` turns it into
 * `{ "error": { "code", "message" } }` without ever exposing a stack.
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every `error.code` the API answers with (the OpenAPI document lists them from here). */
export const ERROR_CODES = [
  "not_found",
  "method_not_allowed",
  "invalid_id",
  "invalid_cursor",
  "invalid_json",
  "validation_failed",
  "unsupported_media_type",
  "payload_too_large",
  "unauthorized",
  "admin_disabled",
  "rate_limited",
  "invalid_idempotency_key",
  "idempotency_key_reused",
  "idempotency_key_in_use",
  "storage_unavailable",
  "config_invalid",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  path: string;
  message: string;
}

/** The code from ERROR_CODES for an HTTPException a middleware threw (Hono's body limit, validator). */
export function codeForHttpStatus(status: number, message: string): ErrorCode {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
  };
  if (status >= 500) return "internal_error";
  return byStatus[status] ?? (/json/i.test(message) ? "invalid_json" : "validation_failed");
}

/** Seconds a client should wait before retrying when storage is down. */
export const RETRY_AFTER_SECONDS = 5;

export class AppError extends HTTPException {
  readonly code: ErrorCode;
  readonly fields: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options: { fields?: FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(status, { message, cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: { code: ErrorCode; message: string; fields?: FieldIssue[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
      },
    };
  }
}

/**
 * 503 with Retry-After: storage (KV, or R2 for an image) failed and this isolate holds nothing to
 * answer with. `no-store`: an outage's answer is never kept by a cache in front of the Worker.
 */
export function storageUnavailable(message: string, cause?: unknown): AppError {
  return new AppError(503, "storage_unavailable", message, {
    headers: { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
    cause,
  });
}

export function notFound(message: string): AppError {
  return new AppError(404, "not_found", message);
}
