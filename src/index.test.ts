import { describe, expect, it } from "vitest";
import { useUnitWorker } from "./testing/unit-worker.js";

const unit = useUnitWorker();

describe("default export", () => {
  it("handles requests through fetch(request, env, ctx) and logs one JSON line per storage op", async () => {
    let status = 0;
    const lines = await unit.logsOf(async () => {
      const res = await unit.request(unit.env("kv"), "/api/share/abc", {
        headers: { authorization: "Bearer test-admin-token" },
      });
      status = res.status;
    });
    expect(status).toBe(404);
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(
      expect.objectContaining({ op: "get", key: "share:abc", outcome: "miss", backend: "kv" }),
    );
    expect(lines.join("\n")).not.toContain("test-admin-token");
  });
});
