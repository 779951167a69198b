import { describe, expect, it } from "vitest";
import { useUnitWorker } from "../testing/unit-worker.js";
import { testBackend } from "./contract.js";

const unit = useUnitWorker();

// Inside workerd, on the real KV binding; cache disabled: the contract is about KV itself.
testBackend("kv (workerd)", () => unit.backend("contract"));

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
