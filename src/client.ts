/**
 * @module client
 * The typed client of the share API, derived from the Hono routes (`hc<AppType>`): every path,
 * method, JSON body, query and answer is checked by the compiler against the Worker itself. Not
 * part of the deployed bundle (nothing in `src/index.ts` imports it).
 * @example
 * const api = createShareClient("http://127.0.0.1:8787");
 * const res = await api.api.share.$post({ json: { prompt, generatedUrl, originalUrl, style } });
 * // Against a harness, without the network:
 * const local = clientOver((path, init) => harness.fetch(path, init));
 */
import { hc, type ClientRequestOptions, type InferResponseType } from "hono/client";
import type { AppType } from "./app.js";
import type { CreateShareInput } from "./shares/create-schema.js";

export type { AppType } from "./app.js";

export type ShareClient = ReturnType<typeof hc<AppType>>;

export function createShareClient(baseUrl: string, options?: ClientRequestOptions): ShareClient {
  return hc<AppType>(baseUrl, options);
}

/**
 * A typed client whose requests go to `send` as a path and init, without the network: a harness
 * (`harness.fetch(path, init, isolate)`), a test Worker, any in-process target.
 * @example const api = clientOver((path, init) => harness.fetch(path, init, 1));
 */
export function clientOver(
  send: (path: string, init?: RequestInit) => Promise<Response>,
): ShareClient {
  return createShareClient("http://localhost", {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return send(url.pathname + url.search, init);
    },
  });
}

/** The 200 answer of `GET /api/monitoring`, as the route builds it: the one type every reader uses. */
export type MonitoringAnswer = InferResponseType<ShareClient["api"]["monitoring"]["$get"], 200>;

/** How `postShare` sends its body. */
export interface PostShareOptions {
  /** The `Content-Type` sent (default `application/json`); `""` sends none of ours. */
  contentType?: string;
  /** More request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
}

/**
 * `POST /api/share` through the typed client: the one create helper of every caller (suites,
 * reliability, the unit tests, bench, soak). An object goes as JSON (hc's `json`: a create body,
 * or on purpose a wrong one); a string goes as it is, with `contentType`, as a client that is not
 * ours might send it. The answer is the `Response` the fetch gave (hc returns it as it is), so callers assert status and headers.
 * @example const res = await postShare(client, { prompt, generatedUrl, originalUrl, style });
 */
export async function postShare(
  client: ShareClient,
  body: CreateShareInput | string | unknown,
  options: PostShareOptions = {},
): Promise<Response> {
  const { contentType = JSON_TYPE, headers = {} } = options;
  const create = client.api.share.$post;
  const sent =
    typeof body !== "string" && contentType === JSON_TYPE
      ? create({ json: body as CreateShareInput }, { headers })
      : // The route's validator types `json`; a raw body is the request's own (hc lets `init` set it).
        create({} as Parameters<typeof create>[0], {
          headers: contentType === "" ? headers : { ...headers, "content-type": contentType },
          init: { body: typeof body === "string" ? body : JSON.stringify(body) },
        });
  // hc answers with the Response its fetch returned; its type narrows the body only.
  return (await sent) as unknown as Response;
}

const JSON_TYPE = "application/json";
