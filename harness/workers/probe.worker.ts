/**
 * @module harness/workers/probe.worker
 * Test-only worker: runs one KV call, or one named scenario with values JSON cannot carry (Blobs,
 * class instances, streams), against Miniflare's raw binding (`RAW`) or the binding a Worker in
 * isolate i gets (`LAYER_<i>`, optionally `LAYER_<i>:direct` / `LAYER_<i>:layer` to force the
 * mode; `@<BINDING>` after either names the namespace, the first declared one by default), and answers with the result or the error as JSON. Lets one conformance file run the same
 * cases against both. `IsolateControl` reports the operations it counted, like a share worker.
 */
import { HIDDEN, hiddenKv, type BindingConfig, type KvMode } from "./harness-env.js";
import { createKvBinding } from "./kv-binding.js";
import { encode, errorOf, SCENARIOS } from "./kv-scenarios.js";

type Env = Record<string, unknown>;
type Target = Record<string, (...args: unknown[]) => Promise<unknown>>;

function bindingFor(env: Env, target: string, mode: KvMode): KVNamespace | undefined {
  const config = env[HIDDEN.config] as BindingConfig;
  // `<target>@<BINDING>` picks a namespace; without it, the first the config declares.
  const [name, binding = config.bindings[0]] = target.split("@") as [string, string?];
  if (binding === undefined || !config.bindings.includes(binding)) return undefined;
  const raw = env[hiddenKv(binding).raw] as KVNamespace;
  if (name === "RAW") return raw;
  const match = /^LAYER_(\d+)(?::(direct|layer))?$/.exec(name);
  if (!match) return undefined;
  const isolate = Number(match[1]);
  const hidden = hiddenKv(binding, `_${isolate}`);
  const layer = env[hidden.layer] as KVNamespace | undefined;
  if (!layer) return undefined;
  return createKvBinding(
    { raw, layer, layerMeta: env[hidden.layerMeta] as KVNamespace },
    {
      binding,
      mode: (match[2] as KvMode | undefined) ?? mode,
      isolate,
      ...(config.opsPerInvocation !== undefined
        ? { opsPerInvocation: config.opsPerInvocation }
        : {}),
    },
  );
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { target, method, args, scenario, mode } = (await request.json()) as {
      target: string;
      method?: string;
      args?: unknown[];
      scenario?: string;
      mode?: KvMode;
    };
    const binding = bindingFor(env, target, mode ?? "layer");
    if (!binding) {
      return Response.json({ ok: false, error: { name: "Probe", message: `no ${target}` } });
    }
    try {
      if (scenario !== undefined) {
        const run = SCENARIOS[scenario];
        if (!run) throw new Error(`no scenario ${scenario}`);
        const value = await run(binding, String(args?.[0] ?? "k"), Number(args?.[1] ?? 0));
        return Response.json({ ok: true, value: await encode(value) });
      }
      // Call as a method: on an RPC stub, `fn.apply(...)` would be a remote call named "apply".
      const value = await (binding as unknown as Target)[method!]!(...(args ?? []));
      return Response.json({ ok: true, value: await encode(value) });
    } catch (e) {
      return Response.json({ ok: false, error: errorOf(e) });
    }
  },
};

export { IsolateControl } from "./isolate-control.js";
