/**
 * The 202 a create gets with KV_WRITE_FALLBACK=memory during a KV outage tells the client what it
 * needs: held in one isolate's memory, lost if that isolate restarts first, and how to confirm it;
 * GET says "pending" on that isolate until the share is in KV.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();
const env = unit.env("kv", { ...FAST_VARS, KV_WRITE_FALLBACK: "memory" });

describe("the 202 pending answer", () => {
  it("says where the share is, how it is lost, and how to confirm it; GET agrees", async () => {
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    const res = await unit.postShare(env, validBody(1));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; durability: string; pending: unknown };
    expect(res.headers.get("location")).toBe(`/api/share/${body.id}`);
    expect(body).toMatchObject({
      durability: "pending",
      pending: {
        heldBy: "isolate-memory",
        lostIf: "the isolate restarts before KV recovers",
        message: expect.stringMatching(/only in the memory .* lost/),
        confirm: {
          method: "GET",
          url: `/api/share/${body.id}`,
          durableWhen: expect.stringContaining('without "durability": "pending"'),
          orRetry: expect.stringContaining("Idempotency-Key"),
        },
      },
    });
    const during = (await (await unit.request(env, `/api/share/${body.id}`)).json()) as {
      durability?: string;
    };
    expect(during.durability).toBe("pending");

    await unit.faults({});
    await unit.request(env, "/healthz"); // any request starts the flush
    await unit.flushed();
    const after = await unit.request(env, `/api/share/${body.id}`);
    expect(after.status).toBe(200);
    expect(await after.json()).not.toHaveProperty("durability");
  });

  it("is what it says: the share is gone if the isolate restarts before the flush", async () => {
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    const { id } = (await (await unit.postShare(env, validBody(2))).json()) as { id: string };
    await unit.restartIsolate();
    await unit.faults({});
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(404);
  });
});
