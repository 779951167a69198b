/**
 * @module harness/workers/kv-layer.worker
 * The kv-layer worker. `KvService` is the backend of each isolate's KvNamespace bindings: it speaks
 * KV's HTTP protocol, with `props` naming the namespace (the Worker's binding) and the calling
 * isolate (location). The default `fetch` is the Node-side admin surface. `ISOLATE_<i>` / `PROBE`
 * reach each isolate's operation counts. `RAW_KV__<BINDING>` is each namespace's Miniflare store.
 * `R2Service` is the backend of each isolate's R2 bucket bindings (R2's HTTP protocol, `props`
 * naming the bucket and the isolate), in front of `R2_UPSTREAM__<BINDING>`, Miniflare's bucket.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { runAdmin, type AdminCommand, type Layer, type Peers } from "./admin.js";
import {
  rawKvName,
  upstreamR2Name,
  type R2ServiceProps,
  type ServiceProps,
} from "./harness-env.js";
import { KvServiceError, asServiceError } from "./kv-call.js";
import { decodeKvRequest, encodeKvAnswer, encodeKvError } from "./kv-http.js";
import { KvLayerOps } from "./kv-layer.js";
import type { CountsEntry } from "./kv-binding.js";
import { LayerShared, LayerState, type LayerConfig } from "./layer-state.js";
import { runR2Call } from "./r2-layer.js";
import { VirtualStore } from "./virtual-store.js";

interface Counted {
  counts(): Promise<CountsEntry[]>;
  resetCounts(): Promise<void>;
}

interface LayerEnv {
  /** The Worker's first R2 bucket, for Node's direct reads (`harness.r2`). */
  RAW_R2?: R2Bucket;
  HARNESS_CONFIG: LayerConfig;
  /** `ISOLATE_<i>` and, in tests, `PROBE`: each isolate's `IsolateControl`. */
  [peer: string]: unknown;
}

let layer: Layer | undefined;

function init(env: LayerEnv): Layer {
  if (!layer) {
    const shared = new LayerShared(env.HARNESS_CONFIG);
    const namespaces = new Map(
      env.HARNESS_CONFIG.bindings.map((binding) => {
        const raw = env[rawKvName(binding)] as KVNamespace;
        const namespace = {
          state: new LayerState(binding, shared),
          store: new VirtualStore(raw, () => shared.offsetMs),
        };
        return [binding, namespace];
      }),
    );
    layer = { shared, namespaces };
  }
  return layer;
}

/** Every isolate holding KV bindings: the share workers and, in tests, the probe. */
function peers(env: LayerEnv): Peers {
  const all = Object.entries(env)
    .filter(([name]) => name.startsWith("ISOLATE_") || name === "PROBE")
    .map(([, peer]) => peer as Counted);
  return {
    async counts() {
      return (await Promise.all(all.map((p) => p.counts()))).flat();
    },
    async reset() {
      await Promise.all(all.map((p) => p.resetCounts()));
    },
  };
}

export class KvService extends WorkerEntrypoint<LayerEnv, ServiceProps> {
  override async fetch(request: Request): Promise<Response> {
    const { binding, isolate, read } = this.ctx.props;
    const { state, store } = init(this.env).namespaces.get(binding)!;
    try {
      const call = await decodeKvRequest(request, read);
      return encodeKvAnswer(await new KvLayerOps(state, store, isolate).run(call));
    } catch (e) {
      // Answering before a refused put's body is read would reset the connection, and the Worker
      // would see a network error instead of KV's answer.
      if (!request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
      if (e instanceof KvServiceError) return encodeKvError(e);
      throw e;
    }
  }
}

export class R2Service extends WorkerEntrypoint<LayerEnv, R2ServiceProps> {
  override async fetch(request: Request): Promise<Response> {
    const { binding, isolate } = this.ctx.props;
    return runR2Call(request, {
      faults: init(this.env).shared.faults,
      binding,
      isolate,
      upstream: this.env[upstreamR2Name(binding)] as Fetcher,
    });
  }
}

export default {
  async fetch(request: Request, env: LayerEnv): Promise<Response> {
    const layer = init(env);
    try {
      const command = (await request.json()) as AdminCommand;
      const result = await runAdmin(layer, command, peers(env), env.RAW_R2);
      return Response.json({ ok: true, result: result ?? null });
    } catch (e) {
      const error = e as Error;
      // KV's status, when KV itself answered: Node tells a refused call from a harness failure by it.
      const service = asServiceError(e);
      const kvStatus = service instanceof KvServiceError ? service.status : undefined;
      return Response.json({
        ok: false,
        error: { name: error.name, message: error.message, kvStatus },
      });
    }
  },
} satisfies ExportedHandler<LayerEnv>;
