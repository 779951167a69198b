/**
 * Whole-store changes through the dev server leave nothing stale in the running Worker: after
 * each one, every isolate serves exactly the new store (reads, the list, monitoring totals), also
 * on the production profile with its edge caches.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { imageKey } from "../../src/images/store-image.js";
import type { ShareData } from "../../src/shares/schema.js";
import { createShareHarness } from "../share/index.js";
import type { Harness, KvSnapshot } from "../types.js";
import { createDevApp } from "./dev-server.js";
import { SessionRecorder } from "../../fixtures/record/recorder.js";
import { seedPlugin } from "../../fixtures/seed/seed-routes.js";

// Made in beforeAll, not at import: a run that collects this file without running it (a filter,
// a mutation run's selection) would leave the folder behind.
let dir: string;
let fixturesDir: string;
const ISOLATES = [0, 1];
let harness: Harness;
let app: Hono;

const factory = createShareFactory(7, { now: Date.now() });
const before = factory.shares(3);
const after = factory.shares(2);
// One stored, one not, never loaded elsewhere: the fixture load must add exactly one image.
const fromFixture = [factory.share({ isR2Stored: true }), factory.share({ isR2Stored: false })];
const snapshotOf = (shares: ShareData[]): KvSnapshot => ({
  version: 1,
  takenAt: Date.now(),
  entries: shares.map((s) => factory.entry(s)),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "store-loads-"));
  fixturesDir = join(dir, "fixtures");
  harness = await createShareHarness({ persistTo: "temp", isolates: 2, profile: "production" });
  app = createDevApp(harness, "first", new SessionRecorder({ harness, fixturesDir }), {}, [
    seedPlugin,
  ]);
  mkdirSync(fixturesDir, { recursive: true });
});

afterAll(async () => {
  await harness?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    // The dev server takes control-API changes only as JSON, body or not.
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function worker(path: string, isolate: number): Promise<{ status: number; body: unknown }> {
  const res = await app.request(path, { headers: { "x-harness-isolate": String(isolate) } });
  return { status: res.status, body: await res.json() };
}

/** What a user sees of the store on one isolate: one share, the list, monitoring's total. */
async function seenOn(isolate: number, probe: ShareData) {
  const read = await worker(`/api/share/${probe.id}`, isolate);
  const list = (await worker("/api/shares?limit=100", isolate)).body as { shares: ShareData[] };
  const monitoring = (await worker("/api/monitoring", isolate)).body as {
    shares: { total: number };
  };
  return {
    probe: read.status,
    listed: list.shares.map((s) => s.id).sort(),
    total: monitoring.shares.total,
  };
}

/** Fill every cache: each isolate reads each share (and one that is not there yet), lists, counts. */
async function warmCaches(): Promise<void> {
  for (const isolate of ISOLATES) {
    for (const share of [...before, after[0]!]) await worker(`/api/share/${share.id}`, isolate);
    await seenOn(isolate, before[0]!);
  }
}

beforeEach(async () => {
  await harness.kv.clear();
  await harness.restart();
  await harness.kv.load(snapshotOf(before));
  await warmCaches();
  for (const isolate of ISOLATES) {
    expect(await seenOn(isolate, before[0]!)).toMatchObject({ probe: 200, total: 3 });
  }
});

const ids = (shares: ShareData[]) => shares.map((s) => s.id).sort();

describe("after a whole-store change, every isolate serves exactly the new store", () => {
  it("PUT /__harness/snapshot?replace=true", async () => {
    expect((await call("PUT", "/__harness/snapshot?replace=true", snapshotOf(after))).status).toBe(
      200,
    );
    for (const isolate of ISOLATES) {
      expect(await seenOn(isolate, before[0]!)).toEqual({
        probe: 404,
        listed: ids(after),
        total: 2,
      });
      expect((await worker(`/api/share/${after[0]!.id}`, isolate)).status).toBe(200);
    }
  });

  it("PUT /__harness/snapshot (merge): a share read as missing before is there now", async () => {
    expect((await call("PUT", "/__harness/snapshot", snapshotOf(after))).status).toBe(200);
    for (const isolate of ISOLATES) {
      expect(await seenOn(isolate, after[0]!)).toEqual({
        probe: 200,
        listed: ids([...before, ...after]),
        total: 5,
      });
    }
  });

  it("POST /__harness/fixtures/load", async () => {
    const file = join(fixturesDir, "after.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        description: "two other shares",
        capturedAt: new Date().toISOString(),
        kv: snapshotOf(fromFixture).entries,
      }),
    );
    const res = await call("POST", "/__harness/fixtures/load", { path: file });
    expect(await res.json()).toMatchObject({
      entries: 2,
      images: 1,
      restartedMs: expect.any(Number),
    });
    for (const isolate of ISOLATES) {
      expect(await seenOn(isolate, before[0]!)).toEqual({
        probe: 404,
        listed: ids(fromFixture),
        total: 2,
      });
    }
    // The share the fixture marks stored has its image: a placeholder, as fixtures hold none.
    const image = await app.request(`/images/${fromFixture[0]!.id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect((await app.request(`/images/${fromFixture[1]!.id}`)).status).toBe(404);
  });

  it("DELETE /__harness/kv, with the shares' images", async () => {
    await harness.r2.put(imageKey(before[0]!.id), new Uint8Array([1, 2, 3]));
    await harness.r2.put("elsewhere/kept", new Uint8Array([4]));
    expect((await call("DELETE", "/__harness/kv")).status).toBe(200);
    for (const isolate of ISOLATES) {
      expect(await seenOn(isolate, before[0]!)).toEqual({ probe: 404, listed: [], total: 0 });
    }
    expect(await harness.r2.list("images/")).toEqual([]);
    expect(await harness.r2.list("elsewhere/")).toEqual(["elsewhere/kept"]);
  });

  it("POST /__harness/seed with clear: the old shares' images go too", async () => {
    await harness.r2.put(imageKey(before[0]!.id), new Uint8Array([1, 2, 3]));
    const res = await call("POST", "/__harness/seed", { count: 4, seed: 9, clear: true });
    expect(await res.json()).toMatchObject({ written: 4, cleared: true, seed: 9 });
    for (const isolate of ISOLATES) {
      const seen = await seenOn(isolate, before[0]!);
      expect(seen).toMatchObject({ probe: 404, total: 4 });
      expect(seen.listed).toHaveLength(4);
    }
    const images = await harness.r2.list("images/");
    expect(images).not.toContain(imageKey(before[0]!.id));
    const listed = (await worker("/api/shares?limit=100", 0)).body as { shares: ShareData[] };
    const stored = listed.shares.filter((s) => s.isR2Stored).map((s) => imageKey(s.id));
    expect(images.sort()).toEqual(stored.sort());
  });
});

describe("loads that would change nothing the Worker serves", () => {
  let memory: Harness;
  beforeAll(async () => {
    memory = await createShareHarness({ persistTo: "temp", backend: "memory" });
  });
  afterAll(async () => {
    await memory?.dispose();
  });

  it("are refused on the memory backend with a 409 that says why", async () => {
    const memoryApp = createDevApp(memory, "first", new SessionRecorder({ harness: memory }), {}, [
      seedPlugin,
    ]);
    const res = await memoryApp.request("/__harness/seed", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 1 }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: "memory_backend",
        message:
          "Seeding writes to KV, which the memory backend does not read. Restart the dev server with the kv backend (npm run dev, without --backend memory).",
      },
    });
  });
});
