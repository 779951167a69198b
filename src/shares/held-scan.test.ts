/**
 * The isolate holds a scan of the `share:` keys for 60 s (`INVENTORY_TTL_MS`): records another
 * isolate wrote appear in monitoring's `shares.total` and in the list's legacy part from the
 * millisecond the held scan is 60 s old, not before.
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { INVENTORY_TTL_MS } from "./inventory.js";
import { SHARE_TTL_SECONDS } from "./schema.js";

const unit = useUnitWorker();
const env = unit.env("kv", FAST_VARS);
const admin = { authorization: `Bearer ${FAST_VARS.ADMIN_TOKEN}` };

/** A record in the guide's shape (no KV metadata), as another isolate or an import wrote it. */
async function putLegacy(id: string, timestamp: number) {
  const record = { ...validBody(), id, timestamp, createdAt: new Date(timestamp).toISOString() };
  await unit.kv.put(`share:${id}`, JSON.stringify(record), { expirationTtl: SHARE_TTL_SECONDS });
}

const total = async () =>
  (
    (await (await unit.request(env, "/api/monitoring", { headers: admin })).json()) as {
      shares: { total: number };
    }
  ).shares.total;

const listed = async () =>
  ((await (await unit.request(env, "/api/shares")).json()) as { shares: { id: string }[] }).shares
    .map((s) => s.id)
    .sort();

describe("the held scan of share keys", () => {
  it("counts a record written elsewhere in shares.total once the held scan is 60 s old", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    expect(await total()).toBe(0);
    await putLegacy("lxelse", t0);
    await unit.setClock(t0 + INVENTORY_TTL_MS - 1);
    expect(await total()).toBe(0);
    await unit.setClock(t0 + INVENTORY_TTL_MS);
    expect(await total()).toBe(1);
  });

  it("lists a legacy record written elsewhere once the list's held scan is 60 s old", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    await putLegacy("lxfirst", t0);
    expect(await listed()).toEqual(["lxfirst"]);
    await putLegacy("lxlater", t0);
    await unit.setClock(t0 + INVENTORY_TTL_MS - 1);
    expect(await listed()).toEqual(["lxfirst"]);
    await unit.setClock(t0 + INVENTORY_TTL_MS);
    expect(await listed()).toEqual(["lxfirst", "lxlater"]);
  });
});
