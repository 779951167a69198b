/**
 * @module harness/node/runtime
 * Everything Miniflare-specific lives here (options, bindings, process handling, setOptions,
 * dispose), so moving to Miniflare 5 touches one file. One workerd runs N copies of the Worker
 * (`worker-0..N-1`, one isolate each), the `kv-layer` worker and, for tests, a `kv-probe` worker;
 * Node reaches each of them with plain `dispatchFetch`. Each `kv_namespaces` binding gets, per
 * isolate, a raw store and two layer bindings (`hiddenKv()`); r2, ratelimits and vars pass through.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  Miniflare,
  Response as MfResponse,
  type MiniflareOptions,
  type Request as MfRequest,
} from "miniflare";
import {
  CLOCK_OFFSET_HEADER,
  HIDDEN,
  hiddenKv,
  hiddenR2,
  KV_MODE_HEADER,
  rawKvName,
  upstreamR2Name,
  type BindingConfig,
  type KvMode,
  type R2ServiceProps,
  type ServiceProps,
} from "../workers/harness-env.js";
import { ISOLATE_RESET_HEADER } from "../workers/isolate-reset.js";
import type { LayerConfig } from "../workers/layer-state.js";
import { HarnessError } from "../errors.js";
import type { RateLimitBinding, WorkerConfig } from "./config.js";
import {
  mutationPrelude,
  mutationRequestHeaders,
  recordMutationReport,
} from "./mutation-switch.js";

export interface RuntimeSpec {
  config: WorkerConfig;
  persistDir: string;
  isolates: number;
  /** Worker vars: wrangler.jsonc vars merged with the harness's overrides. */
  vars: Record<string, string>;
  /** wrangler.jsonc `ratelimits`, with the harness's `rateLimits` numbers applied. */
  rateLimits: RateLimitBinding[];
  layer: LayerConfig;
  /** KV operations allowed per Worker invocation (production: 1000); unlimited when absent. */
  opsPerInvocation?: number;
  code: { entry: string; layer: string; probe?: string };
  /** Answers the Worker's outbound fetch (msw). */
  outbound: (request: Request) => Promise<Response>;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

export const workerName = (i: number) => `worker-${i}`;

/**
 * Miniflare's own entry worker sends a dispatched request to the worker this header names (and
 * removes it). Used instead of `getWorker()` proxies, whose synchronous property lookups block
 * Node and fail when they overlap a restart or crash.
 */
const TARGET_HEADER = "MF-Route-Override";

/**
 * Asks Miniflare's entry worker not to gzip the answer on its way to Node (`dispatchFetch` hands
 * Node the body decoded anyway): the Worker still sees the `Accept-Encoding` Cloudflare sends
 * (Miniflare sets it), and the gzip in workerd and gunzip in Node cost about 0.6 ms of CPU per
 * request. A caller's own `Accept-Encoding` is kept.
 */
function plainAnswer(headers: Headers): void {
  if (!headers.has("Accept-Encoding")) headers.set("Accept-Encoding", "identity");
}

async function toMfResponse(response: Response): Promise<MfResponse> {
  const body = response.body === null ? null : await response.arrayBuffer();
  return new MfResponse(body, {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
  });
}

/**
 * The Worker's response headers without Miniflare's own (`MF-Content-Encoding` says the body was
 * decoded from gzip on the way to Node; no client of the Worker would ever see it).
 */
function workerHeaders(headers: Iterable<[string, string]>): [string, string][] {
  return [...headers].filter(([name]) => !name.toLowerCase().startsWith("mf-"));
}

/** Miniflare's `outboundService`: the Worker's outbound fetch, answered in Node by `handle`. */
function outboundFetcher(handle: (request: Request) => Promise<Response>) {
  return {
    type: "fetcher" as const,
    handler: async (request: MfRequest) => {
      const method = request.method;
      const body = ["GET", "HEAD"].includes(method) ? undefined : await request.arrayBuffer();
      const plain = new Request(request.url, { method, headers: [...request.headers], body });
      return toMfResponse(await handle(plain));
    },
  };
}

/**
 * On Linux, Miniflare starts workerd through `workerd-with-parent.sh` (`setpriv --pdeathsig`), so
 * workerd ends when the Node process that started it dies, however it dies: a test worker that
 * crashed or was killed, a dev server ended with SIGKILL. Otherwise that workerd lived on, holding
 * its ports and Miniflare's temp folder. A MINIFLARE_WORKERD_PATH set by the user is kept.
 */
function workerdEndsWithNode(): void {
  if (process.platform !== "linux" || process.env.MINIFLARE_WORKERD_PATH) return;
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  // Without util-linux's setpriv, workerd starts as Miniflare starts it.
  if (!dirs.some((dir) => existsSync(path.join(dir, "setpriv")))) return;
  const fromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare"));
  process.env.HARNESS_WORKERD_BINARY = (fromMiniflare("workerd") as { default: string }).default;
  process.env.MINIFLARE_WORKERD_PATH = path.join(import.meta.dirname, "workerd-with-parent.sh");
}
workerdEndsWithNode();

/** The Miniflare version this module is written against; `runtime.test.ts` trips on any other. */
export const MINIFLARE_VERSION = "5.20261117.0-beta";

type WorkerEntry = MiniflareOptions["workers"][number];
type Binding = NonNullable<WorkerEntry["config"]["env"]>[string];

const text = (value: string): Binding => ({ type: "text", value });
const json = (value: unknown): Binding => ({ type: "json", value }) as Binding;
const kvNamespace = (id: string): Binding => ({ type: "kv", id });
const r2Bucket = (name: string): Binding => ({ type: "r2", name });
/** Miniflare 5's Rate Limiting binding; all share workers on one namespace share its counters. */
const rateLimit = ({ namespaceId, limit, period }: RateLimitBinding): Binding => ({
  type: "rate-limit",
  namespace: namespaceId,
  simple: { limit, period },
});
const rpc = (worker: string, exportName: string, props?: Record<string, unknown>): Binding => ({
  type: "worker",
  worker,
  exportName,
  ...(props ? { props } : {}),
});

/** The Miniflare external plugin that turns the `unsafe:harness-*` bindings into workerd's. */
const BINDING_PLUGIN = path.join(import.meta.dirname, "kv-binding-plugin.mjs");

/**
 * A binding the plugin makes: `plugin` names the workerd binding (`harness-kv`: a kvNamespace,
 * `harness-r2`: an r2Bucket, `harness-service`: a service) whose backend is workerd service
 * `service` (`core:user:<name>` is how Miniflare names a user worker's service), `entrypoint`.
 */
const pluginBinding = (
  plugin: "harness-kv" | "harness-r2" | "harness-service",
  service: string,
  entrypoint: string | undefined,
  props: object,
): Binding =>
  ({
    type: `unsafe:${plugin}`,
    service,
    ...(entrypoint ? { entrypoint } : {}),
    props,
    dev: { plugin: { package: BINDING_PLUGIN, name: plugin } },
  }) as unknown as Binding;

/** A real KvNamespace binding whose backend is the kv-layer worker's `KvService` (KV's protocol). */
const layerKv = (props: ServiceProps) =>
  pluginBinding("harness-kv", "core:user:kv-layer", "KvService", props);

/** A real R2Bucket binding whose backend is the kv-layer worker's `R2Service` (R2's protocol). */
const layerR2 = (props: R2ServiceProps) =>
  pluginBinding("harness-r2", "core:user:kv-layer", "R2Service", props);

/**
 * The layer's way to Miniflare's own store of one bucket: Miniflare 5 serves every local bucket
 * from its `r2:bucket:entry` service, the bucket named by `MINIFLARE_NAMESPACE` in the props
 * (what Miniflare's R2 plugin gives each `r2Bucket` binding it makes).
 */
const upstreamR2 = (bucketName: string) =>
  pluginBinding("harness-service", "r2:bucket:entry", undefined, {
    MINIFLARE_NAMESPACE: bucketName,
  });

/** One worker in Miniflare 5's `workers[]` shape: a single ES module and its env. */
function worker(
  spec: Pick<RuntimeSpec, "config">,
  name: string,
  module: { path: string; contents: string },
  env: Record<string, Binding>,
  dev: WorkerEntry["dev"] = undefined,
): WorkerEntry {
  return {
    config: {
      name,
      compatibilityDate: spec.config.compatibilityDate,
      compatibilityFlags: spec.config.compatibilityFlags,
      manifest: {
        mainModule: module.path,
        modules: { [module.path]: { type: "esm", contents: module.contents } },
      },
      env,
    },
    ...(dev ? { dev } : {}),
  };
}

/**
 * Where Miniflare 5 keeps every resource (`<dir>/v3/kv`, `<dir>/v3/r2`): the same layout
 * `wrangler dev --persist-to <dir>` uses, so wrangler reads the harness's store.
 */
export const resourcePath = (persistDir: string) => path.join(persistDir, "v3");

/**
 * Miniflare 5's files for KV under a persist root: one SQLite database per namespace object
 * (`v3/kv/miniflare-KVNamespaceObject/<hash>.sqlite`, WAL mode, table `_mf_entries`: key,
 * blob_id, expiration in ms, metadata as JSON text) and the values as blobs
 * (`v3/kv/<namespaceId>/blobs/<blob_id>`).
 */
export function kvStoreFiles(persistDir: string): { databases: string[]; blobDirs: string[] } {
  const kvDir = path.join(resourcePath(persistDir), "kv");
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const objects = path.join(kvDir, "miniflare-KVNamespaceObject");
  return {
    databases: list(objects)
      // metadata.sqlite is the Durable Object's own bookkeeping, not a namespace.
      .filter((e) => e.isFile() && e.name.endsWith(".sqlite") && e.name !== "metadata.sqlite")
      .map((e) => path.join(objects, e.name)),
    blobDirs: list(kvDir)
      .filter((e) => e.isDirectory() && e.name !== "miniflare-KVNamespaceObject")
      .map((e) => path.join(kvDir, e.name, "blobs")),
  };
}

/** The KV table Miniflare 5 keeps in each namespace database. */
export const KV_ENTRIES_TABLE = "_mf_entries";

function options(spec: RuntimeSpec): MiniflareOptions {
  const { config, layer, code } = spec;
  const outboundService = outboundFetcher(spec.outbound);
  const r2 = Object.fromEntries(config.r2.map((b) => [b.binding, r2Bucket(b.bucketName)]));
  const vars = Object.fromEntries(Object.entries(spec.vars).map(([k, v]) => [k, text(v)]));
  const namespaces = config.kvNamespaces;
  const rawKv = Object.fromEntries(
    namespaces.map((n) => [hiddenKv(n.binding).raw, kvNamespace(n.namespaceId)]),
  );
  const kvBindings = (i: number, suffix = ""): Record<string, Binding> =>
    Object.fromEntries(
      namespaces.flatMap(({ binding }) => {
        const hidden = hiddenKv(binding, suffix);
        return [
          [hidden.layer, layerKv({ binding, isolate: i, read: "get" })],
          [hidden.layerMeta, layerKv({ binding, isolate: i, read: "getWithMetadata" })],
        ];
      }),
    );
  const r2Layer = (i: number): Record<string, Binding> =>
    Object.fromEntries(
      config.r2.map(({ binding }) => [hiddenR2(binding), layerR2({ binding, isolate: i })]),
    );
  const bindingConfig = (i: number): BindingConfig => ({
    bindings: namespaces.map((n) => n.binding),
    r2: config.r2.map((b) => b.binding),
    isolate: i,
    ...(spec.opsPerInvocation !== undefined ? { opsPerInvocation: spec.opsPerInvocation } : {}),
  });
  const limiters = Object.fromEntries(spec.rateLimits.map((r) => [r.binding, rateLimit(r)]));
  const workers: WorkerEntry[] = Array.from({ length: spec.isolates }, (_, i) =>
    worker(
      spec,
      workerName(i),
      { path: "entry.worker.js", contents: mutationPrelude() + code.entry },
      {
        ...vars,
        ...r2,
        ...limiters,
        [HIDDEN.config]: json(bindingConfig(i)),
        ...rawKv,
        ...kvBindings(i),
        ...r2Layer(i),
      },
      { outboundService } as WorkerEntry["dev"],
    ),
  );
  // The layer reads each isolate's operation counts (a cycle of service bindings is fine).
  const peers = Object.fromEntries(
    Array.from({ length: spec.isolates }, (_, i) => [
      `ISOLATE_${i}`,
      rpc(workerName(i), "IsolateControl"),
    ]),
  );
  workers.push(
    worker(
      spec,
      "kv-layer",
      { path: "kv-layer.worker.js", contents: code.layer },
      {
        HARNESS_CONFIG: json(layer),
        ...Object.fromEntries(
          namespaces.map((n) => [rawKvName(n.binding), kvNamespace(n.namespaceId)]),
        ),
        ...(config.r2[0] ? { RAW_R2: r2Bucket(config.r2[0].bucketName) } : {}),
        ...Object.fromEntries(
          config.r2.map((b) => [upstreamR2Name(b.binding), upstreamR2(b.bucketName)]),
        ),
        ...peers,
        ...(code.probe ? { PROBE: rpc("kv-probe", "IsolateControl") } : {}),
      },
    ),
  );
  if (code.probe) {
    const layers = Array.from({ length: spec.isolates }, (_, i) => kvBindings(i, `_${i}`));
    workers.push(
      worker(
        spec,
        "kv-probe",
        { path: "probe.worker.js", contents: code.probe },
        {
          [HIDDEN.config]: json(bindingConfig(0)),
          ...rawKv,
          ...Object.assign({}, ...layers),
        },
      ),
    );
  }
  return {
    workers,
    port: 0,
    host: "127.0.0.1",
    resourcePersistencePath: resourcePath(spec.persistDir),
    // Miniflare's Local Explorer and request logging are for people at a terminal, not the harness.
    logRequests: false,
    telemetry: { enabled: false },
    handleStructuredLogs: (log) =>
      spec.onLine(log.level === "error" ? "stderr" : "stdout", log.message),
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

const TRANSPORT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ERR_DISPOSED"]);

/**
 * True when `error` means workerd went away under a request (killed, restarting, disposed) rather
 * than an answer from the Worker: undici's "fetch failed"/"terminated", a reset or refused socket,
 * or Miniflare's "Cannot use disposed instance".
 */
export function isRuntimeGone(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { name, message, code } = e as { name?: string; message?: string; code?: string };
    if (code && (TRANSPORT_CODES.has(code) || code.startsWith("UND_ERR_"))) return true;
    if (name === "TypeError" && (message === "fetch failed" || message === "terminated"))
      return true;
    if (message === "Cannot use disposed instance" || message === "other side closed") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** KV refused the call as asked (a 4xx other than 429, which says "later", not "wrong"). */
const refusedByKv = (status: number | undefined) =>
  status !== undefined && status >= 400 && status < 500 && status !== 429;

async function unwrap(response: { json(): Promise<unknown> }): Promise<unknown> {
  const body = (await response.json()) as {
    ok: boolean;
    result?: unknown;
    /** `kvStatus`: the status KV answered with, when the failure was KV's answer. */
    error?: { name: string; message: string; kvStatus?: number };
  };
  if (!body.ok) {
    const message = body.error?.message ?? "admin call failed";
    throw new HarnessError(
      refusedByKv(body.error?.kvStatus) ? "BAD_KV_CALL" : "ADMIN_FAILED",
      message,
    );
  }
  return body.result;
}

export class Runtime {
  #mf: Miniflare;
  private constructor(mf: Miniflare) {
    this.#mf = mf;
  }

  static async start(spec: RuntimeSpec): Promise<Runtime> {
    const mf = new Miniflare(options(spec));
    await mf.ready;
    return new Runtime(mf);
  }

  /** Boot workerd again with `spec` on the same persisted directories. */
  async restart(spec: RuntimeSpec): Promise<void> {
    await this.#mf.setOptions(options(spec));
  }

  /** SIGKILL workerd (no clean shutdown), then boot a fresh one on the same directories. */
  async crashAndRecover(spec: RuntimeSpec): Promise<void> {
    for (const pid of workerdChildren()) process.kill(pid, "SIGKILL");
    await this.#mf.dispose().catch(() => undefined);
    this.#mf = new Miniflare(options(spec));
    await this.#mf.ready;
  }

  /** A request to one worker. */
  #dispatch(target: string, url: string, init: RequestInit) {
    const headers = new Headers(init.headers);
    headers.set(TARGET_HEADER, target);
    plainAnswer(headers);
    return this.#mf.dispatchFetch(url, { ...init, headers: [...headers] } as never);
  }

  /**
   * A request to Worker isolate `isolate`, on the virtual clock `offsetMs` ahead of real time, its
   * KV calls in `kvMode`.
   */
  async fetch(
    isolate: number,
    url: string,
    init: RequestInit,
    offsetMs: number,
    kvMode: KvMode,
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    // Only the harness sets these: an isolate reset (`resetIsolate()`), the clock, the KV mode.
    headers.delete(ISOLATE_RESET_HEADER);
    headers.delete(CLOCK_OFFSET_HEADER);
    headers.delete(KV_MODE_HEADER);
    for (const [name, value] of mutationRequestHeaders()) headers.set(name, value);
    // Without them the entry worker hands the request on as it is (nothing to model).
    if (kvMode !== "direct" || offsetMs !== 0) {
      headers.set(CLOCK_OFFSET_HEADER, String(offsetMs));
      headers.set(KV_MODE_HEADER, kvMode);
    }
    headers.set(TARGET_HEADER, workerName(isolate));
    plainAnswer(headers);
    const res = await this.#mf.dispatchFetch(url, { ...init, headers: [...headers] } as never);
    const noBody = [101, 204, 205, 304].includes(res.status) || init.method === "HEAD";
    const body = noBody ? null : await res.arrayBuffer();
    const resHeaders = new Headers(workerHeaders(res.headers));
    recordMutationReport(resHeaders);
    return new Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers: resHeaders,
    });
  }

  /**
   * Make Worker isolate `isolate` drop its memory (caches, counters, pending writes) and, with
   * `vars`, run with those vars from now on instead of the ones it was booted with.
   */
  async resetIsolate(isolate: number, vars?: Record<string, string>): Promise<void> {
    const res = await this.#dispatch(workerName(isolate), "http://localhost/", {
      method: "POST",
      headers: { [ISOLATE_RESET_HEADER]: "1" },
      ...(vars ? { body: JSON.stringify({ vars }) } : {}),
    });
    await res.arrayBuffer();
    if (res.status !== 204) {
      throw new HarnessError("ADMIN_FAILED", `resetting isolate ${isolate} answered ${res.status}`);
    }
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
  async probe(call: {
    target: string;
    method?: string;
    args: unknown[];
    scenario?: string;
    mode: KvMode;
  }): Promise<unknown> {
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

/**
 * A Worker with plain bindings (no KV layer, no clock wrapper): the bench's baseline runtime and
 * the small test worker the Worker's own unit tests in `src/` run in.
 */
export interface PlainSpec {
  config: WorkerConfig;
  code: string;
  /** The harness's persisted layout; without it, Miniflare's own temp folder (gone on dispose). */
  persistDir?: string;
  vars: Record<string, string>;
  /**
   * A second worker with the same KV and R2 bindings (e.g. a store loader), reached with
   * `sidecarFetch`, so the Worker under measurement stays exactly the share Worker.
   */
  sidecar?: string;
  /** Answers the Worker's outbound fetch; without it every outbound request gets a 502. */
  outbound?: (request: Request) => Promise<Response>;
  /** The Worker's log lines; dropped when absent. */
  onLine?: (stream: "stdout" | "stderr", line: string) => void;
  /** Rate Limiting bindings (wrangler.jsonc `ratelimits`, possibly re-numbered); none when absent. */
  rateLimits?: RateLimitBinding[];
}

const PLAIN = "plain";
const SIDECAR = "plain-sidecar";

const noOutbound = async (request: Request) =>
  new Response(`no outbound handler for ${request.method} ${request.url}`, { status: 502 });

function plainOptions(spec: PlainSpec): MiniflareOptions {
  const { config } = spec;
  const bindings: Record<string, Binding> = {
    ...Object.fromEntries(config.kvNamespaces.map((n) => [n.binding, kvNamespace(n.namespaceId)])),
    ...Object.fromEntries(config.r2.map((b) => [b.binding, r2Bucket(b.bucketName)])),
  };
  const env: Record<string, Binding> = {
    ...Object.fromEntries(Object.entries(spec.vars).map(([k, v]) => [k, text(v)])),
    ...bindings,
    ...Object.fromEntries((spec.rateLimits ?? []).map((r) => [r.binding, rateLimit(r)])),
  };
  const dev = { outboundService: outboundFetcher(spec.outbound ?? noOutbound) };
  const workers = [
    worker(
      spec,
      PLAIN,
      { path: "index.js", contents: mutationPrelude() + spec.code },
      env,
      dev as WorkerEntry["dev"],
    ),
  ];
  if (spec.sidecar) {
    workers.push(worker(spec, SIDECAR, { path: "sidecar.js", contents: spec.sidecar }, bindings));
  }
  return {
    workers,
    port: 0,
    host: "127.0.0.1",
    ...(spec.persistDir ? { resourcePersistencePath: resourcePath(spec.persistDir) } : {}),
    logRequests: false,
    telemetry: { enabled: false },
    handleStructuredLogs: (log) =>
      spec.onLine?.(log.level === "error" ? "stderr" : "stdout", log.message),
  };
}

export class PlainRuntime {
  private constructor(
    private mf: Miniflare,
    private readonly spec: PlainSpec,
  ) {}

  static async start(spec: PlainSpec): Promise<PlainRuntime> {
    const mf = new Miniflare(plainOptions(spec));
    await mf.ready;
    return new PlainRuntime(mf, spec);
  }

  /** A request to the Worker, with plain `dispatchFetch`. */
  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.mf.dispatchFetch(url, init as never) as unknown as Promise<Response>;
  }

  /** A request to the sidecar worker (`spec.sidecar`). */
  sidecarFetch(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(TARGET_HEADER, SIDECAR);
    return this.fetch(url, { ...init, headers: [...headers] });
  }

  restart(): Promise<void> {
    return this.mf.setOptions(plainOptions(this.spec));
  }

  dispose(): Promise<void> {
    return this.mf.dispose();
  }
}
