/**
 * @module reliability/support/error-shape
 * What every error answer of the API must look like: `{ error: { code, message } }` with a code
 * the Worker documents, no stack trace, and 5xx only as 503 `storage_unavailable` (or the harness's
 * `worker_unavailable` while it restarts) + Retry-After.
 */
import { ERROR_CODES } from "../../src/errors.js";

/** Every code the Worker documents (`src/errors.ts`, also the OpenAPI document's list). */
export const KNOWN_ERROR_CODES = ERROR_CODES;

/**
 * Codes the harness and dev server answer with for the Worker: `worker_unavailable` is the 503 a
 * request gets when the runtime restarted or crashed under it (`harness/node/request-gate.ts`).
 */
export const HARNESS_ERROR_CODES = ["worker_unavailable"] as const;

/** The only 5xx answers allowed: 503 with one of these codes and a numeric Retry-After. */
export const UNAVAILABLE_CODES: readonly string[] = ["storage_unavailable", "worker_unavailable"];

/** A V8 stack frame (`at fn (file:1:2)`, `at <anonymous>`), also JSON-escaped (`\\n    at`). */
const STACK_TRACE = /(^|\n|\\n)\s*at\s+((\S+\s+\()?[^\s()]+:\d+:\d+\)?|<anonymous>)/;

export function hasStackTrace(text: string): boolean {
  return STACK_TRACE.test(text);
}

/** Parsed `{ error: { code, message } }`, or undefined when the body is not that shape. */
export function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" && typeof message === "string" ? code : undefined;
}

export interface ResponseView {
  status: number;
  /** Raw body text. */
  text: string;
  contentType: string | null;
  retryAfter: string | null;
}

/**
 * Problems with one answer, as short sentences (empty when it is fine). Checks the error shape of
 * every non-2xx answer (except HTML 404 pages), the 5xx rule and stack traces.
 */
export function responseProblems(res: ResponseView): string[] {
  const problems: string[] = [];
  if (hasStackTrace(res.text)) problems.push(`status ${res.status} body contains a stack trace`);
  if (res.status >= 200 && res.status < 300) return problems;
  const isHtml = (res.contentType ?? "").startsWith("text/html");
  if (isHtml) {
    if (res.status !== 404) problems.push(`HTML error page with status ${res.status}`);
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    problems.push(`status ${res.status} body is not JSON: ${res.text.slice(0, 120)}`);
    return problems;
  }
  const code = errorCodeOf(body);
  if (code === undefined) {
    problems.push(`status ${res.status} body is not { error: { code, message } }`);
  } else if (![...KNOWN_ERROR_CODES, ...HARNESS_ERROR_CODES].includes(code as never)) {
    problems.push(`status ${res.status} has unknown error code ${JSON.stringify(code)}`);
  }
  if (res.status >= 500) {
    if (res.status !== 503 || !UNAVAILABLE_CODES.includes(code ?? "")) {
      problems.push(
        `5xx other than 503 ${UNAVAILABLE_CODES.join("/")}: ${res.status} ${code ?? "?"}`,
      );
    } else if (!res.retryAfter || !/^\d+$/.test(res.retryAfter)) {
      problems.push(`503 ${code} without a numeric Retry-After`);
    }
  }
  return problems;
}

/** Read a harness response once into a `ResponseView`. */
export async function viewResponse(
  res: Pick<Response, "status" | "text" | "headers">,
): Promise<ResponseView> {
  return {
    status: res.status,
    text: await res.text(),
    contentType: res.headers.get("content-type"),
    retryAfter: res.headers.get("retry-after"),
  };
}
