/**
 * @module testing/unit.worker
 * The Worker's unit tests run their code here, inside workerd, never through Miniflare's
 * Node-side binding proxies. App requests go to the unchanged Worker (`src/index.ts`) with the env
 * the test asks for (`x-unit-env`: vars, and the real KV behind a counting/failing wrapper, the
 * real R2); `POST /__unit/<op>` runs one control call (clock, isolate reset, raw KV and R2, one
 * storage backend method, `storeImage`) and answers `{ ok, value | error }`.
 */
import { openMutationScope } from "../../harness/workers/mutation-switch.js";
import worker from "../index.js";
import { setClock } from "../clock.js";
import type { Env } from "../env.js";
import { storeImage } from "../images/store-image.js";
import { Metrics } from "../metrics/metrics.js";
import { isolate, resetIsolateState } from "../state.js";
import { createKvBackend } from "../storage/kv.js";
import { layered } from "../storage/layers/stack.js";
import { LruCache } from "../storage/lru-cache.js";
import type { KvBinding } from "../storage/types.js";
import { countingKv } from "./counting-kv.js";
import {
  CONTROL_PREFIX,
  UNIT_ENV_HEADER,
  type ControlResult,
  type Encoded,
  type KvFaults,
  type UnitEnv,
} from "./unit-protocol.js";

interface Bindings {
  SHARE_DATA_KV: KVNamespace;
  SHARE_IMAGES: R2Bucket;
}

type Handler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };
type Target = Record<string, (...args: unknown[]) => Promise<unknown>>;

let counting: ReturnType<typeof countingKv> | undefined;
const backends = new Map<string, { backend: Target; metrics: Metrics }>();

function wrapper(env: Bindings) {
  counting ??= countingKv(env.SHARE_DATA_KV as unknown as KvBinding);
  return counting;
}

function encode(value: unknown): unknown {
  if (value === undefined) return { $undefined: true } satisfies Encoded;
  if (value instanceof Map) {
    return { $map: [...value].map(([k, v]) => [k, encode(v)]) } satisfies Encoded;
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

async function deleteAll(env: Bindings): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await env.SHARE_DATA_KV.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((k) => env.SHARE_DATA_KV.delete(k.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  let r2Cursor: string | undefined;
  do {
    const page = await env.SHARE_IMAGES.list(r2Cursor ? { cursor: r2Cursor } : {});
    if (page.objects.length > 0) await env.SHARE_IMAGES.delete(page.objects.map((o) => o.key));
    r2Cursor = page.truncated ? page.cursor : undefined;
  } while (r2Cursor);
}

/** A KV backend as the Worker builds it (or bare: `layers: "none"`), over the counting wrapper; one per name. */
function backendNamed(
  env: Bindings,
  name: string,
  cache: [number, number],
  layers: "all" | "none",
) {
  let entry = backends.get(name);
  if (!entry) {
    const metrics = new Metrics();
    const kv = createKvBackend(wrapper(env));
    const backend = (layers === "none"
      ? kv
      : layered(kv, {
          metrics,
          cache: new LruCache(...cache),
          timeoutMs: 5000,
          retry: { baseMs: 1, maxAttempts: 3, maxTotalMs: 50 },
        })) as unknown as Target;
    entry = { backend, metrics };
    backends.set(name, entry);
  }
  return entry;
}

type Args = Record<string, unknown>;

const controls: Record<string, (env: Bindings, args: Args) => Promise<unknown>> = {
  /** Before each test: real clock, a fresh isolate, no faults, empty KV and R2. */
  async reset(env) {
    setClock(() => Date.now());
    resetIsolateState();
    wrapper(env).reset();
    backends.clear();
    await deleteAll(env);
  },
  /** A fixed virtual time (ms), or the real clock for `null`. */
  async clock(_env, { at }) {
    setClock(typeof at === "number" ? () => at : () => Date.now());
  },
  /** What a new isolate would start with: cache, metrics, memory store, pending writes gone. */
  async restartIsolate() {
    resetIsolateState();
  },
  async calls(env) {
    return wrapper(env).calls();
  },
  async resetCalls(env) {
    wrapper(env).reset();
  },
  async faults(env, faults) {
    wrapper(env).setFaults(faults as KvFaults);
  },
  /** One call on the raw binding, as the Worker's own code would make it. */
  async kv(env, { method, args }) {
    const kv = env.SHARE_DATA_KV as unknown as Target;
    return kv[method as string]!(...(args as unknown[]));
  },
  async memoryPut(_env, { key, value, metadata }) {
    await isolate.memory.put(key as string, value as string, {
      metadata: metadata as Record<string, unknown>,
    });
  },
  /** Resolves once the pending-write flush a request started has finished. */
  async flushed() {
    await isolate.flushing;
  },
  async r2Get(env, { key }) {
    const object = await env.SHARE_IMAGES.get(key as string);
    if (!object) return null;
    const bytes = [...new Uint8Array(await object.arrayBuffer())];
    return { bytes, contentType: object.httpMetadata?.contentType ?? null };
  },
  /** An object written straight into R2, as a Worker before the magic-byte check could have. */
  async r2Put(env, { key, text, contentType }) {
    const httpMetadata = typeof contentType === "string" ? { contentType } : undefined;
    await env.SHARE_IMAGES.put(key as string, text as string, { httpMetadata });
  },
  async r2Head(env, { key }) {
    return (await env.SHARE_IMAGES.head(key as string)) !== null;
  },
  async r2Keys(env) {
    return (await env.SHARE_IMAGES.list()).objects.map((o) => o.key);
  },
  async storeImage(env, { id, url, timeoutMs, bucket }) {
    return storeImage({
      id: id as string,
      url: url as string,
      timeoutMs: timeoutMs as number,
      bucket: bucket ? env.SHARE_IMAGES : undefined,
    });
  },
  /** One method of a named KV backend (`cache`: [max entries, ttl ms], 0 = no cache; `layers`). */
  async backend(env, { name, method, args, cache, layers }) {
    const { backend } = backendNamed(
      env,
      name as string,
      (cache as [number, number]) ?? [0, 0],
      layers === "none" ? "none" : "all",
    );
    return backend[method as string]!(...(args as unknown[]));
  },
  async backendMetrics(env, { name }) {
    const entry = backends.get(name as string);
    return entry ? { retries: entry.metrics.retries, errors: entry.metrics.errors } : null;
  },
  /** Whether a request managed to add properties to `Object.prototype` in this isolate. */
  async objectPrototype() {
    return { polluted: Object.keys(Object.prototype).length > 0 || "polluted" in {} };
  },
  /** Logs a marker line: once Node has read it, every line logged before it has arrived. */
  async mark(_env, { text }) {
    console.log(text);
  },
};

async function control(op: string, request: Request, env: Bindings): Promise<Response> {
  const run = controls[op];
  let result: ControlResult;
  if (!run) {
    result = { ok: false, error: { name: "UnitWorker", message: `no control call ${op}` } };
  } else {
    try {
      const args = (await request.json()) as Args;
      result = { ok: true, value: encode(await run(env, args)) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      result = { ok: false, error: { name: error.name, message: error.message } };
    }
  }
  return Response.json(result);
}

function envFor(spec: UnitEnv, env: Bindings): Env {
  return {
    ...spec.vars,
    ...(spec.kv ? { SHARE_DATA_KV: wrapper(env) as unknown as KVNamespace } : {}),
    ...(spec.r2 ? { SHARE_IMAGES: env.SHARE_IMAGES } : {}),
  };
}

async function handle(request: Request, env: Bindings, ctx: ExecutionContext) {
  const url = new URL(request.url);
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    return control(url.pathname.slice(CONTROL_PREFIX.length), request, env);
  }
  const spec = JSON.parse(request.headers.get(UNIT_ENV_HEADER) ?? "null") as UnitEnv | null;
  if (!spec) return new Response(`missing ${UNIT_ENV_HEADER}`, { status: 400 });
  const headers = new Headers(request.headers);
  headers.delete(UNIT_ENV_HEADER);
  // Read the whole body first, as the harness's entry worker does: a body the Worker refuses
  // unread (413/415) would otherwise reset the connection while Node is still sending it.
  const body = request.body === null ? null : await request.arrayBuffer();
  const forwarded = new Request(request, { headers, body });
  return (worker as unknown as Handler).fetch(forwarded, envFor(spec, env), ctx);
}

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    // `npm run test:mutation`: the active mutant comes with the request (see mutation-switch).
    const headers = new Headers(request.headers);
    const mutation = openMutationScope(headers);
    return mutation.close(await handle(new Request(request, { headers }), env, ctx));
  },
};
