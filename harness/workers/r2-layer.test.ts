/**
 * R2 fault rules (`service: "r2"`) through the layer, seen exactly as a Worker sees them: workerd's
 * own R2 errors for each operation and status, on the bucket and operation the rule names and no
 * other, latency and hang, nothing stored by a failed put, and without rules every call as on
 * Miniflare's own bucket.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../index.js";

const config = path.join(import.meta.dirname, "../test-support/r2-probe/wrangler.jsonc");

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ config, persistTo: "temp" });
});
afterAll(() => harness?.dispose());
afterEach(() => harness.faults.clear());

type Seen = { ok: true; value: unknown } | { ok: false; name: string; message: string };

async function call(bucket: string, op: string, body: Record<string, unknown>): Promise<Seen> {
  const res = await harness.fetch(`/${bucket}/${op}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  return (await res.json()) as Seen;
}

const failure = (message: string): Seen => ({ ok: false, name: "Error", message });

describe("R2 fault rules", () => {
  it("error: R2's code and message for each operation and status, as workerd throws them", async () => {
    expect(await call("PHOTOS", "put", { key: "images/a", value: "bytes" })).toEqual({
      ok: true,
      value: 5,
    });
    await harness.faults.set([
      { service: "r2", op: "get", kind: "error", status: 500 },
      { service: "r2", op: "head", kind: "error", status: 503 },
      { service: "r2", op: "put", kind: "error", status: 429 },
      { service: "r2", op: "delete", kind: "error" },
      { service: "r2", op: "list", kind: "error", status: 503 },
    ]);
    const internal = "We encountered an internal error. Please try again. (10001)";
    const seen = {
      get: await call("PHOTOS", "get", { key: "images/a" }),
      head: await call("PHOTOS", "head", { key: "images/a" }),
      put: await call("PHOTOS", "put", { key: "images/b", value: "other" }),
      delete: await call("PHOTOS", "delete", { key: "images/a" }),
      bulkDelete: await call("PHOTOS", "delete", { keys: ["images/a", "images/c"] }),
      list: await call("PHOTOS", "list", {}),
    };
    expect(seen).toMatchObject({
      get: { ok: false, message: `get: ${internal}` },
      head: { ok: false, message: "head: Service Unavailable (10043)" },
      put: {
        ok: false,
        message: "put: Reduce your concurrent request rate for the same object. (10058)",
      },
      delete: { ok: false, message: `delete: ${internal}` },
      bulkDelete: { ok: false, message: `delete: ${internal}` },
      list: { ok: false, message: "list: Service Unavailable (10043)" },
    });
    await harness.faults.clear();
    // The failed put stored nothing, the failed deletes removed nothing.
    expect(await harness.r2.get("images/b")).toBeNull();
    expect(await call("PHOTOS", "get", { key: "images/a" })).toEqual({ ok: true, value: "bytes" });
  });

  it("acts on the bucket, operation and key prefix it names, and on no KV call", async () => {
    await harness.faults.set([
      { service: "r2", op: "get", binding: "THUMBS", prefix: "images/", kind: "network" },
    ]);
    expect(await call("THUMBS", "get", { key: "images/x" })).toEqual(
      failure("Network connection lost."),
    );
    expect(await call("THUMBS", "get", { key: "other/x" })).toEqual({ ok: true, value: null });
    expect(await call("THUMBS", "head", { key: "images/x" })).toEqual({ ok: true, value: null });
    expect(await call("PHOTOS", "get", { key: "images/x" })).toEqual({ ok: true, value: null });
    // A rule without `service` is a KV rule: R2 never sees it.
    await harness.faults.set([{ op: "any", kind: "error", status: 500 }]);
    expect(await call("PHOTOS", "list", {})).toMatchObject({ ok: true });
  });

  it("latency delays the call and it then succeeds; hang fails it with a lost connection", async () => {
    await harness.faults.set([
      { service: "r2", op: "put", kind: "latency", ms: 1 },
      { service: "r2", op: "head", kind: "hang", ms: 1 },
    ]);
    expect(await call("PHOTOS", "put", { key: "images/slow", value: "late" })).toEqual({
      ok: true,
      value: 4,
    });
    expect(await call("PHOTOS", "head", { key: "images/slow" })).toEqual(
      failure("Network connection lost."),
    );
    await harness.faults.clear();
    expect(await call("PHOTOS", "head", { key: "images/slow" })).toEqual({ ok: true, value: 4 });
  });

  it("first / after count R2 calls like KV calls", async () => {
    await harness.faults.set([{ service: "r2", op: "get", kind: "error", first: 1 }]);
    expect((await call("PHOTOS", "get", { key: "k" })).ok).toBe(false);
    expect((await call("PHOTOS", "get", { key: "k" })).ok).toBe(true);
  });

  it("refuses an R2 rule naming a bucket the Worker does not have, a KV-only op or status", async () => {
    await expect(
      harness.faults.add({ service: "r2", op: "get", binding: "NOTHING", kind: "network" }),
    ).rejects.toMatchObject({ code: "BAD_RULE", message: expect.stringMatching(/PHOTOS, THUMBS/) });
    await expect(
      harness.faults.add({ service: "r2", op: "getWithMetadata", kind: "network" }),
    ).rejects.toMatchObject({ code: "BAD_RULE" });
    await expect(
      harness.faults.add({ service: "r2", op: "put", kind: "error", status: 413 }),
    ).rejects.toMatchObject({ code: "BAD_RULE" });
    await expect(harness.faults.add({ op: "head", kind: "network" })).rejects.toMatchObject({
      code: "BAD_RULE",
      message: expect.stringMatching(/service "r2"/),
    });
    // A KV rule names a KV namespace: the bucket's name is not one.
    await expect(
      harness.faults.add({ op: "get", binding: "PHOTOS", kind: "network" }),
    ).rejects.toMatchObject({ code: "BAD_RULE" });
  });
});
