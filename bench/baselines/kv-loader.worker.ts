/**
 * @module bench/baselines/kv-loader.worker
 * Loads a baseline store for the plain Miniflare: the sidecar of `PlainRuntime`, with the same KV
 * binding as the share Worker, writes the posted entries as they are. Runs inside workerd, so
 * nothing reaches KV through Miniflare's Node-side proxies.
 */
import type { KvSnapshotEntry } from "../../harness/types.js";

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

export default {
  async fetch(request: Request, env: { SHARE_DATA_KV: KVNamespace }): Promise<Response> {
    const { entries } = (await request.json()) as { entries: KvSnapshotEntry[] };
    await Promise.all(
      entries.map((e) =>
        env.SHARE_DATA_KV.put(e.key, e.encoding === "base64" ? bytes(e.value) : e.value, {
          ...(e.metadata === undefined ? {} : { metadata: e.metadata }),
          ...(e.expiration === undefined ? {} : { expiration: e.expiration }),
        }),
      ),
    );
    return Response.json({ loaded: entries.length });
  },
};
