/**
 * Listing shares too large for KV metadata (the page reads their values with one bulk get) while
 * KV reads fail: what this isolate already holds is served, marked in monitoring as a fallback;
 * a share it never read is a 503 with Retry-After, never a page with a hole or a 500.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { createShareId, encodeShareRecord } from "./record.js";
import { SHARE_TTL_SECONDS, type ShareData } from "./schema.js";

const unit = useUnitWorker();
const env = () => unit.env("kv");
const request = (path: string) => unit.request(env(), path);
const postShare = (body: unknown) => unit.postShare(env(), body);
const OUTAGE = "KV GET_BULK failed: 503 Service Temporarily Unavailable";
/** Long enough that the list fields no longer fit KV's 1024-byte metadata. */
const longPrompt = (n: number) => `${n} `.padEnd(1500, "a long prompt ").trim();

interface Page {
  shares: { id: string; prompt: string }[];
  cursor: string | null;
}

async function list(): Promise<Response> {
  return request("/api/shares?limit=10");
}

async function createLarge(n: number): Promise<string> {
  const res = await postShare({ ...validBody(n), prompt: longPrompt(n) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const kvCounters = async () =>
  ((await (await request("/api/monitoring")).json()) as { kv: Record<string, number> }).kv;

describe("listing large shares while KV reads fail", () => {
  it("serves the values this isolate holds, past their cache TTL, and counts a fallback", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const older = await createLarge(1);
    await unit.setClock(t0 + 1000);
    const newer = await createLarge(2);
    const before = (await (await list()).json()) as Page;
    expect(before.shares.map((s) => s.id)).toEqual([newer, older]);

    // Ten minutes later every cache entry is stale, and KV's bulk read fails.
    await unit.setClock(t0 + 10 * 60_000);
    const fallbacks = (await kvCounters()).fallbacks ?? 0;
    await unit.faults({ failing: ["getMany"], message: OUTAGE });
    const calls = (await unit.calls()).getMany;
    const res = await list();
    expect((await unit.calls()).getMany).toBeGreaterThan(calls);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.shares.map((s) => [s.id, s.prompt])).toEqual([
      [newer, longPrompt(2)],
      [older, longPrompt(1)],
    ]);
    await unit.faults({});
    expect((await kvCounters()).fallbacks).toBe(fallbacks + 1);
  });

  it("answers 503 storage_unavailable with Retry-After when a listed share was never read here", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    await createLarge(1);
    // A large share created by another location: on KV, never seen by this isolate.
    const share: ShareData = {
      id: createShareId(t0 + 1000, "ELSEWHER"),
      ...validBody(9),
      prompt: longPrompt(9),
      timestamp: t0 + 1000,
      createdAt: new Date(t0 + 1000).toISOString(),
      isR2Stored: false,
    } as ShareData;
    const record = encodeShareRecord(share);
    expect(record.metadata).toMatchObject({ full: false });
    await unit.kv.put(record.key, record.value, {
      metadata: record.metadata,
      expirationTtl: SHARE_TTL_SECONDS,
    });
    await unit.faults({ failing: ["getMany"], message: OUTAGE });
    const res = await list();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "storage_unavailable",
    );
  });

  it("passes a KV bug (not an outage) on as a 500, without serving stale values", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    await createLarge(1);
    await list();
    await unit.setClock(t0 + 10 * 60_000);
    await unit.faults({ failing: ["getMany"], message: "KV GET_BULK failed: 400 Bad Request" });
    const res = await list();
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("internal_error");
  });
});
