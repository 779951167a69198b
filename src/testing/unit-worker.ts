/**
 * @module testing/unit-worker
 * Node side of the Worker's unit tests: one plain Miniflare per test file runs the unit test
 * worker (`unit.worker.ts`, the Worker's own code bundled with a small control surface) and every
 * call reaches it with `dispatchFetch`; no Miniflare Node-side binding proxy is involved.
 * `useUnitWorker()` registers the per-file boot and dispose and the per-test reset in one call.
 * @example const unit = useUnitWorker(); const res = await unit.request(unit.env("kv"), "/healthz");
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { RequestHandler } from "msw";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { bundleWorker } from "../../harness/node/bundle.js";
import { readWorkerConfig } from "../../harness/node/config.js";
import {
  mutationRequestHeaders,
  recordMutationReport,
} from "../../harness/node/mutation-switch.js";
import { Outbound } from "../../harness/node/outbound.js";
import { PlainRuntime } from "../../harness/node/runtime.js";
import { clientOver, postShare, type ShareClient } from "../client.js";
import type { Env } from "../env.js";
import type { StorageBackend } from "../storage/types.js";
import { SHARED_UNIT_WORKER, type SharedUnitWorker } from "./shared-unit-slot.js";
import {
  CONTROL_PREFIX,
  UNIT_ENV_HEADER,
  type ControlResult,
  type KvFaults,
  type KvOp,
  type UnitEnv,
} from "./unit-protocol.js";

const ROOT = path.join(import.meta.dirname, "../../");
const ORIGIN = "http://localhost";

/** Small retry values keep failure tests fast. */
export const FAST_VARS = {
  KV_RETRY_BASE_MS: "1",
  KV_RETRY_MAX_ATTEMPTS: "3",
  ADMIN_TOKEN: "test-admin-token",
} satisfies Partial<Env>;

type Vars = Partial<Record<Exclude<keyof Env, "SHARE_DATA_KV" | "SHARE_IMAGES">, string>>;

/** The error a control call failed with inside workerd: same name and message. */
function rebuild(error: { name: string; message: string }): Error {
  const made = error.name === "TypeError" ? new TypeError(error.message) : new Error(error.message);
  if (error.name !== "TypeError") made.name = error.name;
  return made;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("$undefined" in v) return undefined;
    if ("$map" in v) {
      return new Map((v.$map as [unknown, unknown][]).map(([k, x]) => [k, decode(x)]));
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}

export class UnitWorker {
  /** Lines the Worker logged (console.log inside workerd), oldest first. */
  readonly lines: string[] = [];
  /** Answers the Worker's outbound fetch; requests no handler matches get a 502. */
  readonly outbound = new Outbound();
  /** Every outbound request the Worker made, as `METHOD url`. */
  readonly outboundSeen: string[] = [];
  #runtime: PlainRuntime | undefined;
  /** Markers being waited for, by text. */
  #marks = new Map<string, () => void>();

  async start(): Promise<void> {
    const code = await bundleWorker(ROOT, path.join(ROOT, "src/testing/unit.worker.ts"), "unit");
    this.#runtime = await PlainRuntime.start({
      config: readWorkerConfig(path.join(ROOT, "wrangler.jsonc")),
      code,
      vars: {},
      outbound: (request) => {
        this.outboundSeen.push(`${request.method} ${request.url}`);
        return this.outbound.handle(request);
      },
      onLine: (_stream, line) => {
        this.lines.push(line);
        this.#marks.get(line)?.();
      },
    });
  }

  get started(): boolean {
    return this.#runtime !== undefined;
  }

  async dispose(): Promise<void> {
    await this.#runtime?.dispose();
    this.#runtime = undefined;
  }

  get #rt(): PlainRuntime {
    if (!this.#runtime)
      throw new Error("useUnitWorker: the worker only runs inside hooks and tests");
    return this.#runtime;
  }

  /** The env of one request: a backend, the fast retry vars, the real bindings, and `extra`. */
  env(backend: "memory" | "kv" | "auto", extra: Vars & { r2?: boolean } = {}): UnitEnv {
    const { r2 = true, ...vars } = extra;
    return {
      vars: { ...FAST_VARS, STORAGE_BACKEND: backend, ...vars } as Record<string, string>,
      kv: backend !== "memory",
      r2,
    };
  }

  /** One request to the unit worker; the body read in full, as a plain `Response`. */
  async #send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of mutationRequestHeaders()) headers.set(name, value);
    const res = await this.#rt.fetch(url, { ...init, headers: [...headers] });
    const noBody = [101, 204, 205, 304].includes(res.status) || init.method === "HEAD";
    const body = noBody ? null : await res.arrayBuffer();
    const resHeaders = new Headers([...res.headers] as [string, string][]);
    recordMutationReport(resHeaders);
    return new Response(body, { status: res.status, headers: resHeaders });
  }

  /** One request to the Worker, in workerd, with `env`. */
  request(env: UnitEnv, pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(UNIT_ENV_HEADER, JSON.stringify(env));
    return this.#send(new URL(pathname, ORIGIN).href, { ...init, headers });
  }

  /** POST /api/share with `body` as JSON (`postShare` of `src/client.ts`). */
  postShare(env: UnitEnv, body: unknown): Promise<Response> {
    return postShare(this.client(env), typeof body === "string" ? JSON.stringify(body) : body);
  }

  /** The typed client of the share API (`hc<AppType>`), each request sent with `env`. */
  client(env: UnitEnv): ShareClient {
    return clientOver((path, init) => this.request(env, path, init));
  }

  /** One control call (`unit.worker.ts`); throws the error it failed with inside workerd. */
  async control<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const res = await this.#send(`${ORIGIN}${CONTROL_PREFIX}${op}`, {
      method: "POST",
      body: JSON.stringify(args),
    });
    const result = (await res.json()) as ControlResult;
    if (!result.ok) throw rebuild(result.error);
    return decode(result.value) as T;
  }

  /** The Worker's clock at a fixed time (ms), or back on real time. */
  setClock(at?: number): Promise<void> {
    return this.control("clock", { at: at ?? null });
  }

  /** What an isolate restart does to the Worker: its memory (cache, metrics, pending) is gone. */
  restartIsolate(): Promise<void> {
    return this.control("restartIsolate");
  }

  /** Resolves once the pending-write flush a request started has finished. */
  flushed(): Promise<void> {
    return this.control("flushed");
  }

  /** KV calls the Worker made through its binding since the last reset, by op. */
  calls(): Promise<Record<KvOp, number>> {
    return this.control("calls");
  }

  /** Counts back to zero and faults cleared. */
  resetCalls(): Promise<void> {
    return this.control("resetCalls");
  }

  /** Make the Worker's KV binding fail or hang chosen ops (replaces earlier faults). */
  faults(faults: KvFaults): Promise<void> {
    return this.control("faults", { ...faults });
  }

  /** The real KV binding, called inside workerd (for set-up and for checking what was stored). */
  readonly kv = {
    get: (key: string) =>
      this.control<string | null>("kv", { method: "get", args: [key, { type: "text" }] }),
    put: (key: string, value: string, options?: KVNamespacePutOptions) =>
      this.control<void>("kv", { method: "put", args: [key, value, options ?? {}] }),
    list: (options: KVNamespaceListOptions = {}) =>
      this.control<{
        keys: { name: string; expiration?: number; metadata?: unknown }[];
        list_complete: boolean;
      }>("kv", {
        method: "list",
        args: [options],
      }),
  };

  /** The real R2 bucket, read inside workerd. */
  readonly r2 = {
    get: (key: string) =>
      this.control<{ bytes: number[]; contentType: string | null } | null>("r2Get", { key }),
    has: (key: string) => this.control<boolean>("r2Head", { key }),
    put: (key: string, text: string, contentType?: string) =>
      this.control<void>("r2Put", { key, text, contentType }),
    /** Every object key the bucket holds. */
    keys: () => this.control<string[]>("r2Keys"),
  };

  /** Writes straight into the isolate's memory backend (what the memory backend holds). */
  memoryPut(key: string, value: string, metadata: Record<string, unknown>): Promise<void> {
    return this.control("memoryPut", { key, value, metadata });
  }

  /**
   * A KV backend as the Worker builds it (`createKvBackend` over the real binding with the layers
   * of `storage/layers/stack.ts`), running in workerd; `cache` is [max entries, ttl ms] (none by
   * default); `layers: "none"` is the bare backend.
   */
  backend(
    name: string,
    cache: [number, number] = [0, 0],
    layers: "all" | "none" = "all",
  ): StorageBackend {
    const call =
      (method: string) =>
      (...args: unknown[]) =>
        this.control("backend", { name, method, args, cache, layers });
    return {
      name: "kv",
      get: call("get"),
      getMany: call("getMany"),
      getWithMetadata: call("getWithMetadata"),
      put: call("put"),
      putOnce: call("putOnce"),
      delete: call("delete"),
      list: call("list"),
    } as StorageBackend;
  }

  backendMetrics(name: string): Promise<{ retries: number; errors: number } | null> {
    return this.control("backendMetrics", { name });
  }

  useHandlers(handlers: RequestHandler[]): void {
    this.outbound.use(handlers);
    this.outboundSeen.length = 0;
  }

  /** The lines the Worker logged while `action` ran (every one of them, in order). */
  async logsOf(action: () => Promise<unknown>): Promise<string[]> {
    const from = this.lines.length;
    await action();
    const marker = `unit-worker-mark ${randomUUID()}`;
    // Lines reach Node in the order workerd wrote them: once the marker is in, so is the rest.
    const seen = new Promise<void>((resolve) => this.#marks.set(marker, resolve));
    await this.control("mark", { text: marker });
    await seen;
    this.#marks.delete(marker);
    return this.lines.slice(from, this.lines.indexOf(marker));
  }
}

const activeMutant = () =>
  (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;

/**
 * One unit test worker for the calling test file: boots it in `beforeAll`, disposes it in
 * `afterAll`, and before each test resets it (real clock, fresh isolate, no faults, empty KV
 * and R2, no outbound handlers). Under `shared-unit-environment.ts` the files of one Vitest worker
 * share one, booted once per mutant and disposed by the environment: the per-test reset is the
 * same, so a file sees what it would see on a worker of its own.
 */
export function useUnitWorker(): UnitWorker {
  const shared = (globalThis as { [SHARED_UNIT_WORKER]?: SharedUnitWorker })[SHARED_UNIT_WORKER];
  const unit = shared ? (shared.unit ??= new UnitWorker()) : new UnitWorker();
  if (shared) {
    beforeAll(async () => {
      if (unit.started && shared.mutant === activeMutant()) return;
      await unit.dispose();
      shared.mutant = activeMutant();
      await unit.start();
    });
  } else {
    beforeAll(() => unit.start());
    afterAll(() => unit.dispose());
  }
  beforeEach(async () => {
    unit.useHandlers([]);
    await unit.control("reset");
  });
  return unit;
}

/** A valid create body; `n` varies the URLs and prompt. */
export function validBody(n = 1): Record<string, unknown> {
  return {
    generatedUrl: `https://img.example.com/gen/${n}.png`,
    originalUrl: `https://img.example.com/orig/${n}.jpg`,
    prompt: `prompt number ${n}`,
    style: "watercolor",
  };
}
