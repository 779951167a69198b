/**
 * An anonymous caller polls GET /api/monitoring to make the Worker scan every `share:` key again
 * and again (KV list operations the account pays for). Anonymous calls use the totals the isolate
 * holds; only the admin token makes it scan again (at most every 60 s of virtual time).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { postShare, useHarness } from "../support/use-harness.js";

const ADMIN_TOKEN = "monitoring-admin-token";
const h = useHarness({ vars: { ADMIN_TOKEN } });
const MINUTE = 60_000;

const lists = async () => (await h().counters()).total.lists;
const monitoring = async (headers: Record<string, string> = {}) => {
  const res = await h().fetch("/api/monitoring", { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    shares: { total: number; stale: boolean; countedAt?: string };
  };
};
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

// Each test starts on an empty store with fresh isolates (no scan held), in any order.
beforeEach(async () => {
  await h().reset();
});

async function createShare(n: number): Promise<void> {
  const res = await postShare(
    h(),
    JSON.stringify({
      generatedUrl: `https://img.example/${n}.png`,
      originalUrl: "https://img.example/o.png",
      prompt: `monitored ${n}`,
      style: "ink",
    }),
  );
  expect(res.status).toBe(201);
}

describe("GET /api/monitoring from an anonymous caller", () => {
  it("scans once per isolate, then never again however often it asks", async () => {
    await createShare(1);
    const first = await monitoring();
    expect(first.shares.total).toBe(1);
    const afterFirst = await lists();
    for (let i = 0; i < 5; i++) {
      await h().clock.advance(2 * MINUTE);
      await monitoring();
      await monitoring({ authorization: "Bearer wrong-token" });
    }
    expect(await lists()).toBe(afterFirst);
  });

  it("still sees this isolate's own creates, and says when the scan is old", async () => {
    const before = (await monitoring()).shares.total;
    await h().clock.advance(2 * MINUTE);
    await createShare(2);
    const after = await monitoring();
    expect(after.shares.total).toBe(before + 1);
    expect(after.shares.stale).toBe(true);
    expect(after.shares.countedAt).toEqual(expect.any(String));
  });
});

describe("GET /api/monitoring with the admin token", () => {
  it("rescans a scan older than 60 s, at most once a minute", async () => {
    await h().kv.put("share:written-elsewhere", JSON.stringify({ not: "ours" }));
    const before = await lists();
    const fresh = await monitoring(admin);
    expect(await lists()).toBeGreaterThan(before);
    expect(fresh.shares.stale).toBe(false);
    const scanned = await lists();
    await monitoring(admin);
    expect(await lists()).toBe(scanned);
  });
});
