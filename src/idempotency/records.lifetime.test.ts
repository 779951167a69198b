/**
 * What an Idempotency-Key's record does over its 24 hours, inside workerd: how long a key is
 * remembered (to the millisecond), the expiry KV keeps it with once its share is deleted, and what
 * a create answers when KV refuses the record (an outage without the memory fallback, or KV
 * refusing what the Worker sent).
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { hashKey } from "./fingerprint.js";
import { IDEMPOTENCY_PREFIX, IDEMPOTENCY_TTL_SECONDS, recordKey } from "./records.js";

const unit = useUnitWorker();
const env = (vars: Record<string, string> = {}) => unit.env("kv", { ...FAST_VARS, ...vars });
const ADMIN = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

type Answer = {
  id?: string;
  durability?: string;
  error?: { code: string; message: string };
};

async function post(key: string, body: Record<string, unknown>, e = env()) {
  const res = await unit.request(e, "/api/share", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get("idempotent-replayed"),
    retryAfter: res.headers.get("retry-after"),
    json: (await res.json()) as Answer,
  };
}

/** The record's expiry in KV (seconds since the epoch), as a list shows it. */
async function recordExpiry(): Promise<number | undefined> {
  const { keys } = await unit.kv.list({ prefix: IDEMPOTENCY_PREFIX });
  expect(keys).toHaveLength(1);
  return keys[0]!.expiration;
}

/** Runs `action` and gives the span of real time (whole seconds) it ran in. */
async function secondsAround(action: () => Promise<unknown>): Promise<[number, number]> {
  const from = Math.floor(Date.now() / 1000);
  await action();
  return [from, Math.ceil(Date.now() / 1000)];
}

describe("an Idempotency-Key's 24 hours", () => {
  it("remembers the key until the last millisecond of them, and forgets it at the 24 h mark", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const first = await post('"day-1"', validBody(1));
    expect(first.status).toBe(201);
    await unit.setClock(t0 + IDEMPOTENCY_TTL_SECONDS * 1000 - 1);
    const reused = await post('"day-1"', validBody(2));
    expect([reused.status, reused.json.error]).toEqual([
      422,
      {
        code: "idempotency_key_reused",
        message:
          "This Idempotency-Key was already used with a different body; use a new key for a new share",
      },
    ]);
    await unit.setClock(t0 + IDEMPOTENCY_TTL_SECONDS * 1000);
    const fresh = await post('"day-1"', validBody(2));
    expect([fresh.status, fresh.replayed]).toEqual([201, null]);
    expect(fresh.json.id).not.toBe(first.json.id);
  });

  it("keeps a deleted share's record in KV for what is left of its 24 hours", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    let first: Awaited<ReturnType<typeof post>> | undefined;
    const [createdFrom, createdTo] = await secondsAround(
      async () => (first = await post('"day-2"', validBody(3))),
    );
    const ttl = IDEMPOTENCY_TTL_SECONDS;
    const expiry = await recordExpiry();
    expect(expiry).toBeGreaterThanOrEqual(createdFrom + ttl);
    expect(expiry).toBeLessThanOrEqual(createdTo + ttl);

    const tenHours = 10 * 3600;
    await unit.setClock(t0 + tenHours * 1000);
    let status = 0;
    const [from, to] = await secondsAround(async () => {
      const del = await unit.request(env(), `/api/share/${first!.json.id}`, {
        method: "DELETE",
        headers: ADMIN,
      });
      status = del.status;
    });
    expect(status).toBe(204);
    const left = await recordExpiry();
    expect(left).toBeGreaterThanOrEqual(from + ttl - tenHours);
    expect(left).toBeLessThanOrEqual(to + ttl - tenHours);
    const stored = JSON.parse((await unit.kv.get(recordKey(await hashKey("day-2"))))!) as {
      deleted?: boolean;
    };
    expect(stored.deleted).toBe(true);
  });

  it("writes no record for a deleted share whose key's record is already gone", async () => {
    const first = await post('"day-3"', validBody(4));
    await unit.control("kv", { method: "delete", args: [recordKey(await hashKey("day-3"))] });
    await unit.restartIsolate(); // and out of the isolate's read cache
    let status = 0;
    const lines = await unit.logsOf(async () => {
      const del = await unit.request(env(), `/api/share/${first.json.id}`, {
        method: "DELETE",
        headers: ADMIN,
      });
      status = del.status;
    });
    expect(status).toBe(204);
    expect(lines.join("\n")).not.toContain("idempotency_mark_failed");
    expect((await unit.kv.list({ prefix: IDEMPOTENCY_PREFIX })).keys).toEqual([]);
  });
});

describe("a create whose Idempotency-Key record KV refuses", () => {
  it("without the memory fallback: 503, nothing saved, the copied image removed, and a retry creates the share", async () => {
    unit.useHandlers([
      http.get(/.*/, () => new HttpResponse(PNG, { headers: { "content-type": "image/png" } })),
    ]);
    const e = env({ KV_RETRY_MAX_ATTEMPTS: "1" });
    // Only the record's write fails: the share's own write would succeed.
    await unit.faults({ failing: ["put"], times: 1 });
    const body = { ...validBody(5), storeImage: true };
    const refused = await post('"outage-1"', body, e);
    expect([refused.status, refused.retryAfter, refused.json.error]).toEqual([
      503,
      "5",
      {
        code: "storage_unavailable",
        message: "Storage is temporarily unavailable; the share was not saved",
      },
    ]);
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
    expect(await unit.r2.keys()).toEqual([]);

    const retry = await post('"outage-1"', body, e);
    expect([retry.status, retry.replayed]).toEqual([201, null]);
    expect(await unit.r2.keys()).toEqual([`images/${retry.json.id}`]);
  });

  it("when KV refuses what the Worker sent (a 400): a 500 and a log line, not a pending share", async () => {
    const e = env({ KV_WRITE_FALLBACK: "memory" });
    await unit.faults({ failing: ["put"], message: "KV PUT failed: 400 Bad Request" });
    let res: Awaited<ReturnType<typeof post>> | undefined;
    const lines = await unit.logsOf(async () => (res = await post('"bug-1"', validBody(6), e)));
    expect([res!.status, res!.json.error?.code]).toEqual([500, "internal_error"]);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toContainEqual(
      expect.objectContaining({
        event: "unhandled_error",
        message: "KV PUT failed: 400 Bad Request",
      }),
    );
    await unit.faults({});
    expect((await unit.kv.list({ prefix: "share:" })).keys).toEqual([]);
    const retry = await post('"bug-1"', validBody(6), e);
    expect([retry.status, retry.replayed, retry.json.durability]).toEqual([201, null, undefined]);
  });
});
