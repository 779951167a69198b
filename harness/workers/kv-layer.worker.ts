/**
 * @module harness/workers/kv-layer.worker
 * The kv-layer worker. `KvLayer` (bound to each share worker as `SHARE_DATA_KV`, with
 * `props.isolate`) exposes the KVNamespace methods the Worker calls; the default `fetch` is the
 * Node-side admin surface.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { runAdmin, type AdminCommand } from "./admin";
import { KvLayerOps } from "./kv-layer";
import { LayerState, type LayerConfig } from "./layer-state";
import { VirtualStore } from "./virtual-store";

interface LayerEnv {
  RAW_KV: KVNamespace;
  /** The Worker's R2 bucket, for Node's direct reads (`harness.r2`). */
  RAW_R2?: R2Bucket;
  HARNESS_CONFIG: LayerConfig;
}

let state: LayerState | undefined;
let store: VirtualStore | undefined;

function init(env: LayerEnv): { state: LayerState; store: VirtualStore } {
  if (!state || !store) {
    const s = new LayerState(env.HARNESS_CONFIG);
    state = s;
    store = new VirtualStore(env.RAW_KV, () => s.offsetMs);
  }
  return { state, store };
}

export class KvLayer extends WorkerEntrypoint<LayerEnv, { isolate?: number }> {
  #ops(): KvLayerOps {
    const { state, store } = init(this.env);
    return new KvLayerOps(state, store, this.ctx.props?.isolate ?? 0);
  }
  get(key: string | string[], options?: unknown) {
    return this.#ops().get(key, options);
  }
  getWithMetadata(key: string | string[], options?: unknown) {
    return this.#ops().getWithMetadata(key, options);
  }
  put(key: string, value: never, options?: KVNamespacePutOptions) {
    return this.#ops().put(key, value, options);
  }
  delete(key: string) {
    return this.#ops().delete(key);
  }
  list(options?: KVNamespaceListOptions) {
    return this.#ops().list(options);
  }
}

export default {
  async fetch(request: Request, env: LayerEnv): Promise<Response> {
    const { state, store } = init(env);
    try {
      const command = (await request.json()) as AdminCommand;
      const result = await runAdmin(state, store, command, env.RAW_R2);
      return Response.json({ ok: true, result: result ?? null });
    } catch (e) {
      const error = e as Error;
      return Response.json({ ok: false, error: { name: error.name, message: error.message } });
    }
  },
} satisfies ExportedHandler<LayerEnv>;
