import { startBindings } from "../../harness/node/runtime.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metrics } from "../metrics/metrics.js";
import { testBackend } from "./contract.js";
import { createKvBackend } from "./kv.js";
import { LruCache } from "./lru-cache.js";
import type { KvBinding } from "./types.js";

let mf: Awaited<ReturnType<typeof startBindings>>;
let kv: KvBinding;

beforeAll(async () => {
  mf = await startBindings();
  kv = mf.kv as unknown as KvBinding;
});

afterAll(async () => {
  await mf.dispose();
});

const config = { opTimeoutMs: 5000, retryBaseMs: 1, retryMaxAttempts: 3, retryMaxTotalMs: 50 };

// Cache disabled: the contract is about KV itself, not the isolate cache.
testBackend("kv (Miniflare)", () =>
  createKvBackend({ binding: kv, config, cache: new LruCache(0, 0), metrics: new Metrics() }),
);

describe("kv backend write retries", () => {
  it("retries 429 and 5xx then succeeds; gives up on 4xx at once", async () => {
    let failures = 2;
    const flaky: KvBinding = Object.assign(Object.create(null) as KvBinding, {
      get: kv.get.bind(kv),
      getWithMetadata: kv.getWithMetadata.bind(kv),
      list: kv.list.bind(kv),
      delete: kv.delete.bind(kv),
      put: async (key: string, value: string, options?: object) => {
        if (failures-- > 0) throw new Error("KV PUT failed: 429 Too Many Requests");
        return kv.put(key, value, options);
      },
    });
    const metrics = new Metrics();
    const backend = createKvBackend({
      binding: flaky,
      config,
      cache: new LruCache(10, 1000),
      metrics,
    });
    await backend.put("retry:a", "v");
    expect(await kv.get("retry:a", { type: "text" })).toBe("v");
    expect(metrics.retries).toBe(2);
    await expect(backend.put("retry:b", "v", { expirationTtl: 30 })).rejects.toThrow(
      /400 Invalid expiration_ttl/,
    );
    expect(metrics.retries).toBe(2);
  });
});
