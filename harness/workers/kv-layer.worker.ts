/**
 * @module harness/workers/kv-layer.worker
 * The kv-layer worker. `KvService` is the backend of each isolate's KvNamespace binding: it speaks
 * KV's HTTP protocol, with `props` naming the calling isolate (location). The default `fetch` is
 * the Node-side admin surface. `ISOLATE_<i>` / `PROBE` reach each isolate's operation counts.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { KvCounters } from "../types.js";
import { runAdmin, type AdminCommand, type Peers } from "./admin.js";
import type { ServiceProps } from "./harness-env.js";
import { KvServiceError } from "./kv-call.js";
import { decodeKvRequest, encodeKvAnswer, encodeKvError } from "./kv-http.js";
import { KvLayerOps } from "./kv-layer.js";
import { LayerState, type LayerConfig } from "./layer-state.js";
import { VirtualStore } from "./virtual-store.js";

type OpCounts = Pick<KvCounters, "reads" | "writes" | "deletes" | "lists">;

interface Counted {
  counts(): Promise<[number, OpCounts][]>;
  resetCounts(): Promise<void>;
}

interface LayerEnv {
  RAW_KV: KVNamespace;
  /** The Worker's R2 bucket, for Node's direct reads (`harness.r2`). */
  RAW_R2?: R2Bucket;
  HARNESS_CONFIG: LayerConfig;
  /** `ISOLATE_<i>` and, in tests, `PROBE`: each isolate's `IsolateControl`. */
  [peer: string]: unknown;
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
    const { state, store } = init(this.env);
    const { isolate, read } = this.ctx.props;
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

export default {
  async fetch(request: Request, env: LayerEnv): Promise<Response> {
    const { state, store } = init(env);
    try {
      const command = (await request.json()) as AdminCommand;
      const result = await runAdmin(state, store, command, peers(env), env.RAW_R2);
      return Response.json({ ok: true, result: result ?? null });
    } catch (e) {
      const error = e as Error;
      return Response.json({ ok: false, error: { name: error.name, message: error.message } });
    }
  },
} satisfies ExportedHandler<LayerEnv>;
