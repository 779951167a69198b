/**
 * With the memory fallback, an Idempotency-Key's record that KV refused waits in the isolate and is
 * written before its share once KV is back, inside workerd: written with what is left of its 24
 * hours, written once, dropped when its 24 hours passed first, and holding the share back while KV
 * still refuses it. A share deleted during the outage stays deleted when the create is retried.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { hashKey } from "./fingerprint.js";
import { IDEMPOTENCY_PREFIX, IDEMPOTENCY_TTL_SECONDS, recordKey } from "./records.js";

const unit = useUnitWorker();
const env = unit.env("kv", { ...FAST_VARS, KV_WRITE_FALLBACK: "memory" });
const OUTAGE = { failing: ["put" as const], message: "KV PUT failed: 503 Service Unavailable" };

type Answer = { id: string; durability?: string };

async function post(key: string | undefined, n: number) {
  const res = await unit.request(env, "/api/share", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: JSON.stringify(validBody(n)),
  });
  return {
    status: res.status,
    replayed: res.headers.get("idempotent-replayed"),
    json: (await res.json()) as Answer,
  };
}

/** A create made while KV refuses every write: 202, pending in this isolate. */
async function pendingCreate(key: string | undefined, n: number): Promise<string> {
  await unit.faults(OUTAGE);
  const res = await post(key, n);
  expect([res.status, res.json.durability]).toEqual([202, "pending"]);
  return res.json.id;
}

/** Any request starts the flush of what is pending; resolves when it is done. */
async function flush(): Promise<void> {
  await unit.request(env, "/api/share/unknown0000000000000000");
  await unit.flushed();
}

const durability = async (id: string) =>
  ((await (await unit.request(env, `/api/share/${id}`)).json()) as Answer).durability;

describe("a pending Idempotency-Key record once KV is back", () => {
  it("is written to KV with what is left of its 24 hours, and a retry after a restart replays its share", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const id = await pendingCreate('"wait-1"', 1);
    await unit.faults({});
    await unit.setClock(t0 + 3600_000);
    const from = Math.floor(Date.now() / 1000);
    await flush();
    const to = Math.ceil(Date.now() / 1000);
    const stored = JSON.parse((await unit.kv.get(recordKey(await hashKey("wait-1"))))!) as {
      share: { id: string };
    };
    expect(stored.share.id).toBe(id);
    const { keys } = await unit.kv.list({ prefix: IDEMPOTENCY_PREFIX });
    const expiry = keys[0]!.expiration;
    expect(expiry).toBeGreaterThanOrEqual(from + IDEMPOTENCY_TTL_SECONDS - 3600);
    expect(expiry).toBeLessThanOrEqual(to + IDEMPOTENCY_TTL_SECONDS - 3600);

    await unit.restartIsolate();
    const retry = await post('"wait-1"', 1);
    expect([retry.status, retry.replayed, retry.json.id]).toEqual([201, "true", id]);
  });

  it("is written once: the next flush writes only what is still pending", async () => {
    await pendingCreate('"wait-2"', 2);
    await unit.faults({});
    await flush();
    const other = await pendingCreate(undefined, 3);
    await unit.resetCalls();
    await flush();
    expect((await unit.calls()).put).toBe(1);
    expect(await durability(other)).toBeUndefined();
  });

  it("is dropped, not written, when its 24 hours passed before KV came back", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const id = await pendingCreate('"wait-3"', 4);
    await unit.faults({});
    await unit.setClock(t0 + IDEMPOTENCY_TTL_SECONDS * 1000);
    await flush();
    expect(await unit.kv.get(recordKey(await hashKey("wait-3")))).toBeNull();
    expect(await durability(id)).toBeUndefined();
  });

  it("holds its share back while KV still refuses the record", async () => {
    await pendingCreate('"wait-4"', 5);
    // The record's write (one attempt) fails; the share's would succeed.
    await unit.faults({ ...OUTAGE, times: 1 });
    const lines = await unit.logsOf(flush);
    expect(lines.filter((l) => l.includes('"op":"flush"'))).toEqual([]);
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
    expect(await unit.kv.get(recordKey(await hashKey("wait-4")))).toBeNull();
  });
});

describe("a share deleted while its create's record waits in the isolate", () => {
  it("stays deleted when the create is retried, though KV refused to mark the record", async () => {
    const id = await pendingCreate('"wait-5"', 6);
    const del = await unit.request(env, `/api/share/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` },
    });
    expect(del.status).toBe(204);
    const retry = await post('"wait-5"', 6);
    expect([retry.status, retry.replayed, retry.json.id]).toEqual([201, "true", id]);
    await unit.faults({});
    expect((await unit.request(env, `/api/share/${id}`)).status).toBe(404);
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
  });
});
