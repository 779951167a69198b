/**
 * @module harness/dashboard/api
 * Calls to the dev server from the page: the control API under /__harness/ and the Worker
 * through the dev server's proxy, with `x-harness-isolate` naming the isolate to ask.
 */

export const ISOLATE_HEADER = "x-harness-isolate";

/** A non-2xx answer, carrying the `{ error: { code, message } }` the server sent. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

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
 * @example await call("POST", "/__harness/clock/advance", { body: { ms: 300000 } })
 * @returns {Promise<{ status: number, data: any }>} resolves for 2xx, throws ApiError otherwise
 */
export async function call(method, path, { body, isolate, raw } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (isolate !== undefined) headers[ISOLATE_HEADER] = String(isolate);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(
      0,
      "dev_server_unreachable",
      `The dev server did not answer (${err.message})`,
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

/** `/__harness/kv/<key>` with the key escaped (keys may hold any character). */
export function kvPath(key) {
  return `/__harness/kv/${encodeURIComponent(key)}`;
}

/** A query string from the defined, non-empty fields. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
