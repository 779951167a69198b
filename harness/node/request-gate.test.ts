import { describe, expect, it } from "vitest";
import { RequestGate, RuntimeUnavailable, unavailableResponse } from "./request-gate.js";

const gone = (e: unknown) => (e as Error).message === "fetch failed";
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("RequestGate", () => {
  it("lets a restart wait for the requests in flight, which complete", async () => {
    const gate = new RequestGate({ drainMs: 5_000, waitMs: 5_000 });
    const slow = deferred();
    const order: string[] = [];
    const request = gate.run(async () => {
      await slow.promise;
      order.push("request done");
      return "answer";
    }, gone);
    const restart = gate.switch("restart", async () => {
      order.push("restarted");
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    slow.resolve();
    expect(await request).toBe("answer");
    await restart;
    expect(order).toEqual(["request done", "restarted"]);
  });

  it("holds requests that arrive during a switch until the runtime is back", async () => {
    const gate = new RequestGate({ drainMs: 5_000, waitMs: 5_000 });
    const boot = deferred();
    const switching = gate.switch("crash", () => boot.promise);
    let ran = false;
    const request = gate.run(async () => (ran = true), gone);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    boot.resolve();
    await switching;
    expect(await request).toBe(true);
  });

  it("turns a request cut off by a crash into RuntimeUnavailable with a retry hint", async () => {
    const gate = new RequestGate({ drainMs: 5_000, waitMs: 5_000 });
    const killed = deferred();
    const request = gate.run(async () => {
      await killed.promise;
      throw new Error("socket hang up"); // not a transport error by itself: the switch explains it
    }, gone);
    const crash = gate.switch("crash", async () => killed.resolve());
    const error = await request.catch((e: unknown) => e);
    await crash;
    expect(error).toBeInstanceOf(RuntimeUnavailable);
    expect((error as RuntimeUnavailable).message).toMatch(
      /crashed while answering.*Idempotency-Key/,
    );
    const res = unavailableResponse(error as RuntimeUnavailable);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({
      error: { code: "worker_unavailable", message: (error as Error).message },
    });
  });

  it("passes errors that are the Worker's own through, and maps a dead runtime to unavailable", async () => {
    const gate = new RequestGate();
    await expect(gate.run(() => Promise.reject(new Error("Worker threw")), gone)).rejects.toThrow(
      "Worker threw",
    );
    await expect(gate.run(() => Promise.reject(new Error("fetch failed")), gone)).rejects.toThrow(
      /not answering/,
    );
  });

  it("bounds the wait for a boot that never ends, and the drain of a request that never ends", async () => {
    const gate = new RequestGate({ drainMs: 30, waitMs: 30 });
    const never = new Promise<void>(() => undefined);
    const stuck = gate.run(() => never, gone);
    const restarted = deferred();
    await gate.switch("restart", async () => restarted.resolve()); // drained for at most 30 ms
    await restarted.promise;
    void stuck;
    const hanging = gate.switch("crash", () => never);
    await expect(gate.run(async () => "late", gone)).rejects.toThrow(/still recovering/);
    void hanging;
  });
});
