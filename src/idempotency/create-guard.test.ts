/**
 * POST /api/share with an Idempotency-Key, inside workerd: a retry gets the first share back,
 * another body under the same key is refused, a concurrent duplicate is refused, a retry after a
 * crash between the two writes finishes the first create with the same id, keys live 24 h, and a
 * deleted share stays deleted.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import type { CreateShareInput } from "../shares/create-schema.js";
import { fingerprint, hashKey } from "./fingerprint.js";
import { IDEMPOTENCY_TTL_SECONDS, recordKey } from "./records.js";

const unit = useUnitWorker();
const env = (vars: Record<string, string> = {}) => unit.env("kv", { ...FAST_VARS, ...vars });

async function post(key: string | undefined, body: unknown, e = env()) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== undefined) headers["idempotency-key"] = key;
  const res = await unit.request(e, "/api/share", {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    id?: string;
    error?: { code: string; message: string };
  } & Record<string, unknown>;
  return {
    status: res.status,
    replayed: res.headers.get("idempotent-replayed"),
    retryAfter: res.headers.get("retry-after"),
    json,
  };
}

async function shareKeys(): Promise<string[]> {
  return (await unit.kv.list({ prefix: "share:" })).keys.map((k) => k.name);
}

describe("Idempotency-Key on POST /api/share", () => {
  it("answers a retry with the share the first request created, and stores it once", async () => {
    const body = validBody(1);
    const first = await post('"order-1"', body);
    expect([first.status, first.replayed]).toEqual([201, null]);
    // The same meaning in another spelling (whitespace, key order) is the same request.
    const again = await post('"order-1"', { ...body, prompt: `  ${body.prompt} ` });
    expect([again.status, again.replayed]).toEqual([201, "true"]);
    expect(again.json).toEqual(first.json);
    expect(await shareKeys()).toEqual([`share:${first.json.id}`]);
  });

  it("answers a retry of a create whose image was not copied with the same warning", async () => {
    // No image server answers: the copy fails and the share is saved with a warning.
    const body = { ...validBody(14), storeImage: true };
    const first = await post('"order-14"', body);
    expect([first.status, (first.json.warning as { code?: string } | undefined)?.code]).toEqual([
      201,
      "image_not_stored",
    ]);
    await unit.restartIsolate();
    const again = await post('"order-14"', body);
    expect([again.status, again.replayed]).toEqual([201, "true"]);
    expect(again.json).toEqual(first.json);
  });

  it("refuses the same key with a different body (422) and creates nothing", async () => {
    const first = await post('"order-2"', validBody(2));
    const other = await post('"order-2"', validBody(3));
    expect([other.status, other.json.error?.code]).toEqual([422, "idempotency_key_reused"]);
    expect(await shareKeys()).toEqual([`share:${first.json.id}`]);
  });

  it("accepts a quoted string, a token or a bare value; refuses malformed keys with a 400", async () => {
    expect((await post('"a-quoted-key"', validBody(4))).status).toBe(201);
    expect((await post("token-key", validBody(5))).status).toBe(201);
    expect((await post("8e03978e-40d5-43e8-bc93-6894a57f9324", validBody(6))).status).toBe(201);
    for (const bad of ['""', '"a", "b"', `"${"x".repeat(256)}"`, '"caf\u00e9"']) {
      const res = await post(bad, validBody(7));
      expect([res.status, res.json.error?.code], bad).toEqual([400, "invalid_idempotency_key"]);
    }
    expect(await shareKeys()).toHaveLength(3);
  });

  it("refuses a concurrent request with the same key (409 + Retry-After) while the first runs", async () => {
    const e = env({ KV_OP_TIMEOUT_MS: "300", KV_RETRY_MAX_ATTEMPTS: "1" });
    await unit.faults({ hanging: ["put"] });
    const first = post('"order-8"', validBody(8), e);
    await new Promise((r) => setTimeout(r, 50));
    const second = await post('"order-8"', validBody(8), e);
    expect([second.status, second.json.error, second.retryAfter]).toEqual([
      409,
      {
        code: "idempotency_key_in_use",
        message:
          "A request with this Idempotency-Key is still being processed; retry when it has answered",
      },
      "1",
    ]);
    expect((await first).status).toBe(503); // KV never answered: nothing was saved
    await unit.faults({});
    const retry = await post('"order-8"', validBody(8), e);
    expect(retry.status).toBe(201);
    expect(await shareKeys()).toEqual([`share:${retry.json.id}`]);
  });

  it("finishes a create cut off between its record and its share, with the same id", async () => {
    // What a crash after the first write leaves: the key's record, no share.
    const body = validBody(9);
    const first = await post('"order-9"', body);
    const id = first.json.id!;
    const hash = await hashKey("order-9");
    expect(JSON.parse((await unit.kv.get(recordKey(hash)))!)).toMatchObject({
      fp: await fingerprint(body as unknown as CreateShareInput),
      share: { id },
    });
    await unit.control("kv", { method: "delete", args: [`share:${id}`] });
    await unit.restartIsolate();
    const retry = await post('"order-9"', body);
    expect([retry.status, retry.replayed, retry.json.id]).toEqual([201, "true", id]);
    expect(await shareKeys()).toEqual([`share:${id}`]);
    expect((await unit.request(env(), `/api/share/${id}`)).status).toBe(200);
  });

  it("keeps a deleted share deleted when the create is retried", async () => {
    const first = await post('"order-10"', validBody(10));
    const del = await unit.request(env(), `/api/share/${first.json.id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(del.status).toBe(204);
    const retry = await post('"order-10"', validBody(10));
    expect([retry.status, retry.json.id]).toEqual([201, first.json.id]);
    expect(await shareKeys()).toEqual([]);
    expect((await unit.request(env(), `/api/share/${first.json.id}`)).status).toBe(404);
  });

  it("forgets a key after 24 hours", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const first = await post('"order-11"', validBody(11));
    await unit.setClock(t0 + (IDEMPOTENCY_TTL_SECONDS - 60) * 1000);
    expect((await post('"order-11"', validBody(12))).status).toBe(422);
    await unit.setClock(t0 + (IDEMPOTENCY_TTL_SECONDS + 1) * 1000);
    const later = await post('"order-11"', validBody(12));
    expect(later.status).toBe(201);
    expect(later.json.id).not.toBe(first.json.id);
  });

  it("with the memory fallback: a retry during the outage gets the pending share, after it the durable one", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 503 Service Unavailable" });
    const first = await post('"order-13"', validBody(13), e);
    expect([first.status, first.json.durability]).toEqual([202, "pending"]);
    const during = await post('"order-13"', validBody(13), e);
    expect([during.status, during.json.id]).toEqual([202, first.json.id]);
    await unit.faults({});
    await unit.request(e, "/healthz"); // any request starts the flush
    await unit.flushed();
    const after = await post('"order-13"', validBody(13), e);
    expect([after.status, after.json.id, after.json.durability]).toEqual([
      201,
      first.json.id,
      undefined,
    ]);
    expect(await shareKeys()).toEqual([`share:${first.json.id}`]);
  });
});
