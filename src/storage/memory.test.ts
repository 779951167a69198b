import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { Metrics } from "../metrics/metrics.js";
import { testBackend } from "../testing/storage-contract.js";
import { layered } from "./layers/stack.js";
import { LruCache } from "./lru-cache.js";
import { createMemoryBackend } from "./memory.js";

testBackend("memory", () => createMemoryBackend());
// The layers take any backend: the memory backend as the Worker layers it, and with every layer.
testBackend("memory, layered as the Worker does", () =>
  layered(createMemoryBackend(), { metrics: new Metrics() }),
);
testBackend("memory, every layer", () =>
  layered(createMemoryBackend(), {
    metrics: new Metrics(),
    cache: new LruCache(100, 60_000),
    timeoutMs: 5000,
    retry: { baseMs: 1, maxAttempts: 3, maxTotalMs: 50 },
  }),
);

describe("memory backend expiry", () => {
  afterEach(() => setClock(() => Date.now()));

  it("expires keys on the clock, in get and in list", async () => {
    const b = createMemoryBackend();
    const t0 = Date.now();
    setClock(() => t0);
    await b.put("share:x", "v", { expirationTtl: 60 });
    setClock(() => t0 + 59_000);
    expect(await b.get("share:x")).toBe("v");
    setClock(() => t0 + 60_000);
    expect(await b.get("share:x")).toBeNull();
    expect((await b.list({ prefix: "share:" })).keys).toEqual([]);
  });

  it("leaves a key out of the first list after its expiry, with no read of it before", async () => {
    const b = createMemoryBackend();
    const t0 = Date.now();
    setClock(() => t0);
    await b.put("share:gone", "v", { expirationTtl: 60 });
    await b.put("share:kept", "v");
    setClock(() => t0 + 60_000);
    expect(await b.list({ prefix: "share:", limit: 1 })).toEqual({
      keys: [{ name: "share:kept" }],
      list_complete: true,
    });
  });
});
