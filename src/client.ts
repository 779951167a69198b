/**
 * @module client
 * The typed client of the share API, derived from the Hono routes (`hc<AppType>`): every path,
 * method, JSON body, query and answer is checked by the compiler against the Worker itself. Not
 * part of the deployed bundle (nothing in `src/index.ts` imports it).
 * @example
 * const api = createShareClient("http://127.0.0.1:8787");
 * const res = await api.api.share.$post({ json: { prompt, generatedUrl, originalUrl, style } });
 * // Against a harness, without the network:
 * const local = createShareClient("http://harness", { fetch: (req, init) => harness.fetch(req, init) });
 */
import { hc, type ClientRequestOptions, type InferResponseType } from "hono/client";
import type { AppType } from "./app.js";

export type { AppType } from "./app.js";

export type ShareClient = ReturnType<typeof hc<AppType>>;

export function createShareClient(baseUrl: string, options?: ClientRequestOptions): ShareClient {
  return hc<AppType>(baseUrl, options);
}

/** The 200 answer of `GET /api/monitoring`, as the route builds it: the one type every reader uses. */
export type MonitoringAnswer = InferResponseType<ShareClient["api"]["monitoring"]["$get"], 200>;
