import { describe, expect, it } from "vitest";
import { useUnitWorker } from "../testing/unit-worker.js";
import { testBackend } from "../testing/storage-contract.js";

const unit = useUnitWorker();

// Inside workerd, on the real KV binding: the bare backend, the layered one without a cache, and
// the layered one with the read cache the Worker uses.
testBackend("kv (workerd), bare", () => unit.backend("bare", [0, 0], "none"));
testBackend("kv (workerd), layered", () => unit.backend("contract"));
testBackend("kv (workerd), layered with a read cache", () => unit.backend("cached", [100, 60_000]));

describe("kv backend write retries", () => {
  it("retries 429 and 5xx then succeeds; gives up on 4xx at once", async () => {
    const backend = unit.backend("flaky", [10, 1000]);
    await unit.faults({
      failing: ["put"],
      times: 2,
      message: "KV PUT failed: 429 Too Many Requests",
    });
    await backend.put("retry:a", "v");
    expect(await unit.kv.get("retry:a")).toBe("v");
    expect((await unit.calls()).put).toBe(3);
    expect((await unit.backendMetrics("flaky"))?.retries).toBe(2);
    await expect(backend.put("retry:b", "v", { expirationTtl: 30 })).rejects.toThrow(
      /400 Invalid expiration_ttl/,
    );
    expect((await unit.calls()).put).toBe(4);
    expect((await unit.backendMetrics("flaky"))?.retries).toBe(2);
  });
});
