/**
 * @module cli/dev-banner
 * What `npm run dev` prints once it listens: backend and store, where each var came from (names,
 * never values), the links a developer opens, and what Ctrl-C keeps. Every link answers 200
 * (`dev.test.ts` fetches each one).
 */
import { resolve } from "node:path";
import { ISOLATE_HEADER } from "../harness/server/isolate-picker.js";
import type { Backend } from "../harness/share/options.js";
import type { DevOptions } from "./dev-options.js";
import { describeVarSources, type VarSource } from "./dev-vars.js";

export interface BannerInput {
  url: string;
  options: DevOptions;
  backend: Backend;
  sources: VarSource[];
}

/** Links the banner prints, path by label, so tests can fetch each one. */
export const BANNER_LINKS = {
  "Shares API": "/api/shares",
  "API (OpenAPI)": "/openapi.json",
  Dashboard: "/__harness/",
  "Control API": "/__harness/openapi.json",
} as const;

/** What stopping the server keeps, by backend: the memory backend keeps nothing. */
export function keptOnStop(backend: Backend): string {
  return backend === "memory"
    ? "the memory backend's shares are lost (they live in the isolates)"
    : "the store is kept";
}

/** The banner's lines. */
export function bannerLines({ url, options, backend, sources }: BannerInput): string[] {
  const isolates = options.isolates === 1 ? "1 isolate" : `${options.isolates} isolates`;
  const spread = options.isolateStrategy === "round-robin" ? "round-robin" : "isolate 0";
  const store =
    backend === "memory"
      ? "shares in isolate memory (lost on restart)"
      : `store ${resolve(options.persistTo)}`;
  const width = Math.max(...Object.keys(BANNER_LINKS).map((label) => label.length)) + 2;
  return [
    `KV harness dev server: backend ${backend}, profile ${options.profile}, ${isolates}, ${store}`,
    `  ${describeVarSources(sources)}`,
    ...Object.entries(BANNER_LINKS).map(
      ([label, path]) => `  ${`${label}:`.padEnd(width)}${url}${path}`,
    ),
    `  Pick an isolate with the header ${ISOLATE_HEADER}: 0..${options.isolates - 1} (without it: ${spread}).`,
    options.watch
      ? `Watching src/ for changes. Ctrl-C stops; ${keptOnStop(backend)}.`
      : `Ctrl-C stops; ${keptOnStop(backend)}.`,
  ];
}
