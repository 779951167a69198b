/**
 * @module harness/node/runtime
 * Everything Miniflare-specific lives here (options, bindings, process handling, setOptions,
 * dispose), so moving to Miniflare 5 touches one file. One workerd runs N share workers
 * (`share-0..N-1`, one isolate each), the `kv-layer` worker and, for tests, a `kv-probe` worker;
 * Node reaches each of them with plain `dispatchFetch`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import {
  Miniflare,
  Response as MfResponse,
  type Request as MfRequest,
  type WorkerOptions,
} from "miniflare";
import { CLOCK_OFFSET_HEADER } from "../workers/clock-header";
import type { LayerConfig } from "../workers/layer-state";
import { HarnessError } from "../errors";
import type { WorkerConfig } from "./config";

export interface RuntimeSpec {
  config: WorkerConfig;
  persistDir: string;
  isolates: number;
  /** Worker vars: wrangler.jsonc vars merged with the harness's overrides. */
  vars: Record<string, string>;
  layer: LayerConfig;
  code: { entry: string; layer: string; probe?: string };
  /** Answers the Worker's outbound fetch (msw). */
  outbound: (request: Request) => Promise<Response>;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

export const shareWorkerName = (i: number) => `share-${i}`;

/**
 * Miniflare's own entry worker sends a dispatched request to the worker this header names (and
 * removes it). Used instead of `getWorker()` proxies, whose synchronous property lookups block
 * Node and fail when they overlap a restart or crash.
 */
const TARGET_HEADER = "MF-Route-Override";

function pipeLines(stream: Readable, onLine: (line: string) => void) {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", onLine);
}

async function toMfResponse(response: Response): Promise<MfResponse> {
  const body = response.body === null ? null : await response.arrayBuffer();
  return new MfResponse(body, {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
  });
}

function options(spec: RuntimeSpec) {
  const { config, layer, code } = spec;
  const common = {
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
  };
  const outboundService = async (request: MfRequest) => {
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
    const plain = new Request(request.url, {
      method: request.method,
      headers: [...request.headers],
      body,
    });
    return toMfResponse(await spec.outbound(plain));
  };
  const shares: WorkerOptions[] = Array.from({ length: spec.isolates }, (_, i) => ({
    ...common,
    name: shareWorkerName(i),
    modules: [{ type: "ESModule", path: "entry.worker.js", contents: code.entry }],
    bindings: spec.vars,
    r2Buckets: Object.fromEntries(config.r2.map((b) => [b.binding, b.bucketName])),
    serviceBindings: {
      [config.kv.binding]: { name: "kv-layer", entrypoint: "KvLayer", props: { isolate: i } },
    },
    outboundService,
  }));
  const workers: WorkerOptions[] = [
    ...shares,
    {
      ...common,
      name: "kv-layer",
      modules: [{ type: "ESModule", path: "kv-layer.worker.js", contents: code.layer }],
      bindings: { HARNESS_CONFIG: layer as never },
      kvNamespaces: { RAW_KV: config.kv.namespaceId },
      ...(config.r2[0] ? { r2Buckets: { RAW_R2: config.r2[0].bucketName } } : {}),
    },
  ];
  if (code.probe) {
    const layers = Object.fromEntries(
      Array.from({ length: spec.isolates }, (_, i) => [
        `LAYER_${i}`,
        { name: "kv-layer", entrypoint: "KvLayer", props: { isolate: i } },
      ]),
    );
    workers.push({
      ...common,
      name: "kv-probe",
      modules: [{ type: "ESModule", path: "probe.worker.js", contents: code.probe }],
      kvNamespaces: { RAW: config.kv.namespaceId },
      serviceBindings: layers,
    });
  }
  return {
    workers,
    port: 0,
    host: "127.0.0.1",
    kvPersist: path.join(spec.persistDir, "v3", "kv"),
    r2Persist: path.join(spec.persistDir, "v3", "r2"),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      pipeLines(stdout, (line) => spec.onLine("stdout", line));
      pipeLines(stderr, (line) => spec.onLine("stderr", line));
    },
  };
}

/** Pids of workerd processes that are children of this Node process (read from /proc). */
export function workerdChildren(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Format: pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === parent) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

async function unwrap(response: { json(): Promise<unknown> }): Promise<unknown> {
  const body = (await response.json()) as {
    ok: boolean;
    result?: unknown;
    error?: { name: string; message: string };
  };
  if (!body.ok) throw new HarnessError("ADMIN_FAILED", body.error?.message ?? "admin call failed");
  return body.result;
}

export class Runtime {
  #mf: Miniflare;
  private constructor(mf: Miniflare) {
    this.#mf = mf;
  }

  static async start(spec: RuntimeSpec): Promise<Runtime> {
    const mf = new Miniflare(options(spec) as never);
    await mf.ready;
    return new Runtime(mf);
  }

  /** Boot workerd again with `spec` on the same persisted directories. */
  async restart(spec: RuntimeSpec): Promise<void> {
    await this.#mf.setOptions(options(spec) as never);
  }

  /** SIGKILL workerd (no clean shutdown), then boot a fresh one on the same directories. */
  async crashAndRecover(spec: RuntimeSpec): Promise<void> {
    for (const pid of workerdChildren()) process.kill(pid, "SIGKILL");
    await this.#mf.dispose().catch(() => undefined);
    this.#mf = new Miniflare(options(spec) as never);
    await this.#mf.ready;
  }

  /** A request to one worker. */
  #dispatch(target: string, url: string, init: RequestInit) {
    const headers = new Headers(init.headers);
    headers.set(TARGET_HEADER, target);
    return this.#mf.dispatchFetch(url, { ...init, headers: [...headers] } as never);
  }

  /** A request to share worker `isolate`, on the virtual clock `offsetMs` ahead of real time. */
  async fetch(
    isolate: number,
    url: string,
    init: RequestInit,
    offsetMs: number,
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(CLOCK_OFFSET_HEADER, String(offsetMs));
    const res = await this.#dispatch(shareWorkerName(isolate), url, { ...init, headers });
    const noBody = [101, 204, 205, 304].includes(res.status) || init.method === "HEAD";
    const body = noBody ? null : await res.arrayBuffer();
    return new Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers] as [string, string][],
    });
  }

  /** One command to the kv-layer's admin surface. */
  async admin(command: { cmd: string } & Record<string, unknown>): Promise<unknown> {
    return unwrap(
      await this.#dispatch("kv-layer", "http://kv-layer/admin", {
        method: "POST",
        body: JSON.stringify(command),
      }),
    );
  }

  /** One KV call through the test probe worker; returns its `{ ok, value | error }` JSON. */
  async probe(call: { target: string; method: string; args: unknown[] }): Promise<unknown> {
    const res = await this.#dispatch("kv-probe", "http://kv-probe/", {
      method: "POST",
      body: JSON.stringify(call),
    });
    return res.json();
  }

  dispose(): Promise<void> {
    return this.#mf.dispose();
  }
}
