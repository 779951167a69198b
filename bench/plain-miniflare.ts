/**
 * @module bench/plain-miniflare
 * The baseline runtime: plain Miniflare running the share Worker's own bundle with a plain KV
 * binding (no KV layer, no clock wrapper), on the same persisted layout the harness uses.
 */
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../harness/node/bundle";
import { readWorkerConfig } from "../harness/node/config";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** `src/index.ts` bundled by the harness's bundler (cached in `.harness-cache/`). */
export function bundlePlainWorker(): Promise<string> {
  return bundleWorker(ROOT, path.join(ROOT, "src", "index.ts"), "bench-plain");
}

function options(code: string, persistDir: string) {
  const config = readWorkerConfig(path.join(ROOT, "wrangler.jsonc"));
  return {
    name: "share",
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    modules: [{ type: "ESModule" as const, path: "index.js", contents: code }],
    bindings: { ...config.vars, STORAGE_BACKEND: "kv" },
    kvNamespaces: { [config.kv.binding]: config.kv.namespaceId },
    r2Buckets: Object.fromEntries(config.r2.map((b) => [b.binding, b.bucketName])),
    kvPersist: path.join(persistDir, "v3", "kv"),
    r2Persist: path.join(persistDir, "v3", "r2"),
    host: "127.0.0.1",
    port: 0,
    // Drain the Worker's log lines as the harness does (it buffers them), instead of printing.
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.resume();
      stderr.resume();
    },
  };
}

/** One plain Miniflare. `fetch` buffers the body, as the harness's `fetch` does. */
export class PlainWorker {
  #mf: Miniflare;

  private constructor(
    mf: Miniflare,
    private readonly code: string,
    private readonly persistDir: string,
  ) {
    this.#mf = mf;
  }

  static async start(code: string, persistDir: string): Promise<PlainWorker> {
    const mf = new Miniflare(options(code, persistDir));
    await mf.ready;
    return new PlainWorker(mf, code, persistDir);
  }

  async fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    // dispatchFetch, the plain Miniflare way (the harness goes the same way, through its router).
    const res = await this.#mf.dispatchFetch(
      new URL(pathname, "http://localhost").href,
      init as never,
    );
    const body = init.method === "HEAD" || res.status === 204 ? null : await res.arrayBuffer();
    return new Response(body, {
      status: res.status,
      headers: [...res.headers] as [string, string][],
    });
  }

  /** Boot workerd again on the same store (what `harness.restart()` does). */
  async restart(): Promise<void> {
    await this.#mf.setOptions(options(this.code, this.persistDir));
  }

  /** Direct KV access from Node, for loading a baseline store. */
  kv(): Promise<KVNamespace> {
    return this.#mf.getKVNamespace("SHARE_DATA_KV", "share") as unknown as Promise<KVNamespace>;
  }

  dispose(): Promise<void> {
    return this.#mf.dispose();
  }
}
