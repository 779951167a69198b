/**
 * @module harness/server/empty-answers
 * A Node HTTP server whose bodiless answers (204, 205, 304) carry no `Content-Type`. The Node
 * adapter of Hono gives every response without one `text/plain`, which on a 204 tells a client
 * there is a body to parse; the Worker in production sends none.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** Statuses that never have a body (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

const BODY_HEADERS = new Set(["content-type", "content-length"]);

function withoutBodyHeaders(headers: unknown): unknown {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return headers;
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !BODY_HEADERS.has(name.toLowerCase())),
  );
}

/** Wrap `res.writeHead` so a bodiless status drops the body headers, however they were set. */
function dropBodyHeadersWhenEmpty(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (!NULL_BODY_STATUSES.has(status)) return writeHead(status, ...rest);
    for (const name of BODY_HEADERS) res.removeHeader(name);
    return writeHead(status, ...rest.map(withoutBodyHeaders));
  }) as ServerResponse["writeHead"];
}

/**
 * `createServer` for `serve({ createServer })` of `@hono/node-server`.
 * @example serve({ fetch: app.fetch, createServer: createServerWithEmptyAnswers })
 */
export const createServerWithEmptyAnswers = ((
  options: Parameters<typeof createServer>[0],
  listener: (req: IncomingMessage, res: ServerResponse) => void,
) =>
  createServer(options, (req, res) => {
    dropBodyHeadersWhenEmpty(res);
    listener(req, res);
  })) as typeof createServer;
