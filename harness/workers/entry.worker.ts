/**
 * @module harness/workers/entry.worker
 * Wraps the Worker under test: per request, tells the Worker's isolate hooks the virtual clock,
 * builds the Worker's env (its own bindings, with each `kv_namespaces` binding the
 * KVNamespace-exact binding of `kv-binding.ts` and, in `layer` mode, each R2 bucket the layer's
 * real R2Bucket binding in front of Miniflare's) and hands the request to the unchanged Worker.
 * The Worker is the `harness:worker` module and its hooks the `harness:isolate-hooks` module
 * (`bundle.ts` resolves both: the config's `main` and the plugin's hooks, or none), so this file
 * knows no Worker by name. Node sends the clock offset and the KV mode whenever the KV layer has
 * something to model (headers, removed here); bodies are then read in full first. With nothing
 * to model (no such headers) a request without a body is handed on exactly as Miniflare made it:
 * copying a request costs more than the Worker's own work on a cached read (its `cf` object is
 * serialised again). `IsolateControl` lets the KV layer read this isolate's KV operation counts.
 * A reset request (`Harness.reset()`) drops the isolate's memory instead of reaching the Worker;
 * its body, when it has one, names the Worker's vars from then on (`{ "vars": {...} }`, in place of
 * every text binding), so one workerd serves blocks that need other vars as a fresh boot would.
 */
import hooks from "harness:isolate-hooks";
import worker from "harness:worker";
import {
  CLOCK_OFFSET_HEADER,
  HIDDEN,
  hiddenKv,
  hiddenR2,
  KV_MODE_HEADER,
  ownBindings,
  type BindingConfig,
} from "./harness-env.js";
import { createKvBinding, resetIsolateCounts } from "./kv-binding.js";
import { ISOLATE_RESET_HEADER } from "./isolate-reset.js";
import { hasMutationHeaders, openMutationScope } from "./mutation-switch.js";

type Handler = { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
type HarnessEnv = Record<string, unknown>;

let own: Record<string, unknown> | undefined;
/** The vars the last reset named, replacing the text bindings; none: the bindings as booted. */
let varsOverride: Record<string, string> | undefined;
/** Without a per-invocation limit one env per mode serves every request (nothing to count). */
const shared = new Map<string, Record<string, unknown>>();

/** The Worker's clock with no offset. */
const realTime = () => Date.now();

function workerEnv(env: HarnessEnv, header: string | null): Record<string, unknown> {
  const mode = header === "layer" ? "layer" : "direct";
  const reuse = shared.get(mode);
  if (reuse) return reuse;
  own ??= withVars(ownBindings(env), varsOverride);
  const config = env[HIDDEN.config] as BindingConfig;
  // One budget per invocation over every namespace, as production counts KV operations.
  const budget = { ops: 0 };
  const namespaces = Object.fromEntries(
    config.bindings.map((name) => {
      const hidden = hiddenKv(name);
      const binding = createKvBinding(
        {
          raw: env[hidden.raw] as KVNamespace,
          layer: env[hidden.layer] as KVNamespace,
          layerMeta: env[hidden.layerMeta] as KVNamespace,
        },
        {
          binding: name,
          mode,
          isolate: config.isolate,
          budget,
          ...(config.opsPerInvocation === undefined
            ? {}
            : { opsPerInvocation: config.opsPerInvocation }),
        },
      );
      return [name, binding];
    }),
  );
  // In layer mode the Worker's buckets are the layer's, so R2 fault rules reach them.
  const buckets =
    mode === "layer"
      ? Object.fromEntries(config.r2.map((name) => [name, env[hiddenR2(name)]]))
      : {};
  const built = { ...own, ...namespaces, ...buckets };
  if (config.opsPerInvocation === undefined) shared.set(mode, built);
  return built;
}

/** `bindings` with every text binding (a var) replaced by `vars`, when given. */
function withVars(
  bindings: Record<string, unknown>,
  vars: Record<string, string> | undefined,
): Record<string, unknown> {
  if (!vars) return bindings;
  const kept = Object.entries(bindings).filter(([, value]) => typeof value !== "string");
  return { ...Object.fromEntries(kept), ...vars };
}

export default {
  async fetch(request: Request, env: HarnessEnv, ctx: ExecutionContext): Promise<Response> {
    if (request.headers.has(ISOLATE_RESET_HEADER)) {
      // Harness.reset(): this isolate forgets everything, as a newly started one would.
      hooks.resetIsolate?.();
      resetIsolateCounts();
      const body = request.body === null ? "" : await request.text();
      varsOverride =
        body === "" ? undefined : (JSON.parse(body) as { vars: Record<string, string> }).vars;
      own = undefined;
      shared.clear();
      return new Response(null, { status: 204 });
    }
    const mode = request.headers.get(KV_MODE_HEADER);
    if (mode === null && request.body === null && !hasMutationHeaders(request.headers)) {
      hooks.setClock?.(realTime);
      return (worker as unknown as Handler).fetch(request, workerEnv(env, mode), ctx);
    }
    const offset = Number(request.headers.get(CLOCK_OFFSET_HEADER) ?? 0) || 0;
    const headers = new Headers(request.headers);
    headers.delete(CLOCK_OFFSET_HEADER);
    const mutation = openMutationScope(headers);
    headers.delete(KV_MODE_HEADER);
    // Read the whole body first: when the Worker refuses a large body unread (413/415), workerd
    // would otherwise close the local connection while Node is still sending it, and the caller
    // would see ECONNRESET instead of the answer. (Production's edge answers either way.)
    const body = request.body === null ? null : await request.arrayBuffer();
    request = new Request(request, { headers, body });
    hooks.setClock?.(() => Date.now() + offset);
    return mutation.close(
      await (worker as unknown as Handler).fetch(request, workerEnv(env, mode), ctx),
    );
  },
};

export { IsolateControl } from "./isolate-control.js";
