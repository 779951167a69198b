/**
 * @module bench/plain-miniflare
 * The baseline runtime: plain Miniflare running the share Worker's own bundle with a plain KV
 * binding (no KV layer, no clock wrapper), on the same persisted layout the harness uses.
 */
import path from "node:path";
import { PlainRuntime } from "../harness/node/runtime.js";
import { bundleWorker } from "../harness/node/bundle.js";
import { readWorkerConfig, type RateLimitBinding } from "../harness/node/config.js";
import type { KvSnapshotEntry, RateLimitOverride } from "../harness/types.js";
import { BenchError } from "./errors.js";

export const ROOT = path.join(import.meta.dirname, "../");

/**
 * Creates per minute the benchmarks allow per client: far above what they make, so the Worker's
 * create limit (wrangler.jsonc `ratelimits`) never answers 429, on either side, while each create
 * still goes through the same Rate Limiting binding call on both.
 */
const BENCH_CREATE_LIMIT = 1_000_000;

const benchLimits = (): RateLimitBinding[] =>
  readWorkerConfig(path.join(ROOT, "wrangler.jsonc")).rateLimits.map((r) => ({
    ...r,
    limit: BENCH_CREATE_LIMIT,
  }));

/** The harness option giving the harness the same generous limits as the plain baseline. */
export function benchRateLimits(): Record<string, RateLimitOverride> {
  return Object.fromEntries(
    benchLimits().map((r) => [r.binding, { limit: r.limit, period: r.period }]),
  );
}

/** `src/index.ts` bundled by the harness's bundler (cached in `.harness-cache/`). */
export function bundlePlainWorker(): Promise<string> {
  return bundleWorker(ROOT, path.join(ROOT, "src", "index.ts"), "bench-plain");
}

const bundleLoader = () =>
  bundleWorker(ROOT, path.join(ROOT, "bench", "baselines", "kv-loader.worker.ts"), "bench-loader");

/** Entries per load request, so one request stays a few MB. */
const LOAD_CHUNK = 500;

/** One plain Miniflare. `fetch` buffers the body, as the harness's `fetch` does. */
export class PlainWorker {
  private constructor(private readonly runtime: PlainRuntime) {}

  static async start(code: string, persistDir: string): Promise<PlainWorker> {
    const config = readWorkerConfig(path.join(ROOT, "wrangler.jsonc"));
    const vars = { ...config.vars, STORAGE_BACKEND: "kv" };
    const sidecar = await bundleLoader();
    return new PlainWorker(
      await PlainRuntime.start({
        config,
        code,
        persistDir,
        vars,
        sidecar,
        rateLimits: benchLimits(),
      }),
    );
  }

  async fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    // dispatchFetch, the plain Miniflare way (the harness goes the same way, through its router).
    const res = await this.runtime.fetch(new URL(pathname, "http://localhost").href, init);
    const body = init.method === "HEAD" || res.status === 204 ? null : await res.arrayBuffer();
    return new Response(body, {
      status: res.status,
      headers: [...res.headers] as [string, string][],
    });
  }

  /** Boot workerd again on the same store (what `harness.restart()` does). */
  restart(): Promise<void> {
    return this.runtime.restart();
  }

  /** Writes `entries` into the store as they are (inside workerd, by the loader sidecar). */
  async load(entries: KvSnapshotEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += LOAD_CHUNK) {
      const res = await this.runtime.sidecarFetch("http://loader/", {
        method: "POST",
        body: JSON.stringify({ entries: entries.slice(i, i + LOAD_CHUNK) }),
      });
      if (!res.ok)
        throw new BenchError("REQUEST_FAILED", `loading the plain store: HTTP ${res.status}`);
      await res.arrayBuffer();
    }
  }

  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}
