/**
 * @module harness/dashboard/api
 * Calls to the dev server from the page: the control API under /__harness/ and the Worker
 * through the dev server's proxy, with `x-harness-isolate` naming the isolate to ask.
 */

export const ISOLATE_HEADER = "x-harness-isolate";

/** A non-2xx answer, carrying the `{ error: { code, message } }` the server sent. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the dev server did not answer
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** @param {Response} response */
async function readBody(response) {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, isolate?: number, raw?: boolean }} [options] `raw`: send `body` as is
 * @example await call("POST", "/__harness/clock/advance", { body: { ms: 300000 } })
 * @returns {Promise<{ status: number, data: any }>} resolves for 2xx, throws ApiError otherwise
 */
export async function call(method, path, { body, isolate, raw } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  // The dev server takes control-API changes only as JSON (its cross-site guard), body or not.
  if (body !== undefined || (method !== "GET" && method !== "HEAD")) {
    headers["content-type"] = "application/json";
  }
  if (isolate !== undefined) headers[ISOLATE_HEADER] = String(isolate);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body:
        body === undefined
          ? undefined
          : raw
            ? /** @type {BodyInit} */ (body)
            : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(
      0,
      "dev_server_unreachable",
      `The dev server did not answer (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const data = await readBody(response);
  if (!response.ok) {
    const error = data && typeof data === "object" && data.error ? data.error : {};
    throw new ApiError(
      response.status,
      error.code ?? "http_error",
      error.message ?? `${method} ${path} answered ${response.status}`,
    );
  }
  return { status: response.status, data };
}

/**
 * What an error says: status and code too when `call` threw it.
 * @param {unknown} err
 * @returns {{ status: number, code: string, message: string }}
 */
export function errorInfo(err) {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  return { status: 0, code: "", message: err instanceof Error ? err.message : String(err) };
}

/**
 * `/__harness/kv/<key>` with the key escaped (keys may hold any character).
 * @param {string} key
 */
export function kvPath(key) {
  return `/__harness/kv/${encodeURIComponent(key)}`;
}

/**
 * A query string from the defined, non-empty fields.
 * @param {Record<string, string | number | null | undefined>} params
 */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
