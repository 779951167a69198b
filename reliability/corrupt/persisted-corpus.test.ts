/**
 * A corrupt store made by editing the persisted files with the harness stopped (Miniflare's SQLite
 * rows and value blobs), then booted again: a bad record poisons only itself. Every other share
 * still answers on get, page, list and monitoring; no answer is a 500; each corrupt record is
 * counted and logged once; entries Miniflare could not serve are repaired and reported at boot.
 * A database SQLite cannot read makes KV calls answer 503 with Retry-After, and /healthz says so.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { createShareHarness } from "../../harness/share/index.js";
import type { Harness } from "../../harness/types.js";
import { REPAIRS_FILE } from "../../harness/node/store-check.js";
import type { ShareData } from "../../src/shares/schema.js";
import { responseProblems, viewResponse } from "../support/error-shape.js";
import { LIFTED_RATE_LIMITS } from "../support/use-harness.js";
import { editStore, truncateDatabase } from "./persisted-store.js";

const VALID = 6;

async function createShares(harness: Harness, n: number): Promise<ShareData[]> {
  const factory = createShareFactory(77);
  const out: ShareData[] = [];
  for (let i = 0; i < n; i++) {
    const res = await harness.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(factory.createBody()),
    });
    expect(res.status).toBe(201);
    const { url: _url, ...share } = (await res.json()) as ShareData & { url: string };
    out.push(share);
  }
  return out;
}

async function answer(harness: Harness, p: string) {
  const view = await viewResponse(await harness.fetch(p));
  expect(responseProblems(view), p).toEqual([]);
  expect(view.status, `${p}: ${view.text.slice(0, 200)}`).toBeLessThan(500);
  return view;
}

async function listAll(harness: Harness): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const q: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const view = await answer(harness, `/api/shares?${q}`);
    expect(view.status).toBe(200);
    const page = JSON.parse(view.text) as { shares: ShareData[]; cursor: string | null };
    ids.push(...page.shares.map((s) => s.id));
    cursor = page.cursor;
    if (!cursor) break;
  }
  return ids;
}

describe("a store corrupted on disk", () => {
  let dir: string;
  let harness: Harness;
  let valid: ShareData[];
  let damaged: Record<string, ShareData>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "kv-corrupt-store-"));
    const writer = await createShareHarness({ persistTo: dir, rateLimits: LIFTED_RATE_LIMITS });
    const shares = await createShares(writer, VALID + 7);
    await writer.dispose();
    valid = shares.slice(0, VALID);
    const [deepMeta, notJsonMeta, otherRecord, deepValue, hugeValue, cutValue, noValue] =
      shares.slice(VALID);
    damaged = {
      deepMeta,
      notJsonMeta,
      otherRecord,
      deepValue,
      hugeValue,
      cutValue,
      noValue,
    } as Record<string, ShareData>;
    const key = (s: ShareData | undefined) => `share:${s!.id}`;
    editStore(dir, (store) => {
      store.setMetadata(key(deepMeta), "[".repeat(5000) + "]".repeat(5000));
      store.setMetadata(key(notJsonMeta), '{"v":1,"ts":');
      store.shareValue(key(otherRecord), key(valid[0]));
      store.setValue(key(deepValue), `{"id":${"[".repeat(5000)}${"]".repeat(5000)}}`);
      store.setValue(key(hugeValue), `{"id":"${"x".repeat(3 * 1024 * 1024)}"}`);
      store.setValue(key(cutValue), JSON.stringify(cutValue).slice(0, 40));
      store.removeValue(key(noValue));
    });
    harness = await createShareHarness({ persistTo: dir });
  }, 120_000);

  afterAll(async () => {
    await harness?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("repairs at boot what Miniflare could not serve, reports it and keeps what it removed", async () => {
    const { storeProblems } = await harness.state();
    const byKey = new Map(storeProblems!.map((p) => [p.key, p]));
    expect(byKey.get(`share:${damaged.deepMeta!.id}`)?.problem).toMatch(/10000 bytes/);
    expect(byKey.get(`share:${damaged.notJsonMeta!.id}`)?.problem).toBe("metadata is not JSON");
    expect(byKey.get(`share:${damaged.noValue!.id}`)?.repair).toBe("entry removed");
    expect(storeProblems).toHaveLength(3);
    const kept = readFileSync(path.join(dir, REPAIRS_FILE), "utf8").trim().split("\n");
    expect(kept.map((l) => (JSON.parse(l) as { key: string }).key).sort()).toEqual(
      [...byKey.keys()].sort(),
    );
  });

  it("serves every other share on get and on its page", async () => {
    for (const share of valid) {
      const view = await answer(harness, `/api/share/${share.id}`);
      expect(view.status).toBe(200);
      expect(JSON.parse(view.text)).toEqual(share);
      expect((await answer(harness, `/s/${share.id}`)).status).toBe(200);
    }
  });

  it("answers a record with damaged metadata from its intact value", async () => {
    for (const share of [damaged.deepMeta!, damaged.notJsonMeta!]) {
      const view = await answer(harness, `/api/share/${share.id}`);
      expect(view.status).toBe(200);
      expect(JSON.parse(view.text)).toEqual(share);
    }
  });

  it("answers 404 for a record whose value is corrupt, never another share's record", async () => {
    for (const name of ["otherRecord", "deepValue", "hugeValue", "cutValue", "noValue"]) {
      const id = damaged[name]!.id;
      const view = await answer(harness, `/api/share/${id}`);
      expect(view.status, name).toBe(404);
      expect(view.text).not.toContain(valid[0]!.id);
      expect((await answer(harness, `/s/${id}`)).status, name).toBe(404);
    }
  });

  it("lists every readable share exactly once, without the records this isolate found corrupt", async () => {
    // This isolate finds them corrupt by reading them (the test holds in any order).
    for (const name of ["otherRecord", "deepValue", "hugeValue", "cutValue", "noValue"]) {
      expect((await answer(harness, `/api/share/${damaged[name]!.id}`)).status, name).toBe(404);
    }
    const ids = await listAll(harness);
    expect(new Set(ids).size).toBe(ids.length);
    const readable = [...valid, damaged.deepMeta!, damaged.notJsonMeta!].map((s) => s.id);
    expect(new Set(ids)).toEqual(new Set(readable));
  });

  it("counts each corrupt record in monitoring and logs it once", async () => {
    // Monitoring counts what this isolate found corrupt: read them here (any order; read twice
    // when an earlier test read them too, and still logged once).
    for (const name of ["otherRecord", "deepValue", "hugeValue", "cutValue"]) {
      expect((await answer(harness, `/api/share/${damaged[name]!.id}`)).status, name).toBe(404);
    }
    const view = await answer(harness, "/api/monitoring");
    expect(view.status).toBe(200);
    const m = JSON.parse(view.text) as {
      shares: { total: number };
      corruptRecords: number;
      corrupt: { keys: { key: string; reason: string }[] };
    };
    const corrupt = ["otherRecord", "deepValue", "hugeValue", "cutValue"].map(
      (n) => `share:${damaged[n]!.id}`,
    );
    expect(m.corrupt.keys.map((k) => k.key).sort()).toEqual(corrupt.sort());
    expect(m.corruptRecords).toBe(corrupt.length);
    const reasons = Object.fromEntries(m.corrupt.keys.map((k) => [k.key, k.reason]));
    expect(reasons[`share:${damaged.otherRecord!.id}`]).toMatch(/another share/);
    expect(reasons[`share:${damaged.deepValue!.id}`]).toMatch(/nested deeper/);
    expect(reasons[`share:${damaged.hugeValue!.id}`]).toMatch(/larger than/);
    expect(reasons[`share:${damaged.cutValue!.id}`]).toBe("not JSON");
    expect(m.shares.total).toBe(VALID + 2);
    const logged = harness.logs
      .all()
      .filter((l) => l.json?.event === "corrupt_record")
      .map((l) => l.json!.key as string);
    expect(logged.sort()).toEqual(corrupt.sort());
    const crashes = harness.logs.all().filter((l) => l.json?.event === "unhandled_error");
    expect(crashes).toEqual([]);
  });
});

describe("a store whose database file was cut short", () => {
  let dir: string;
  let harness: Harness;
  let id: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "kv-truncated-store-"));
    const writer = await createShareHarness({ persistTo: dir, rateLimits: LIFTED_RATE_LIMITS });
    [{ id }] = (await createShares(writer, 3)) as [ShareData];
    await writer.dispose();
    truncateDatabase(dir);
    harness = await createShareHarness({
      persistTo: dir,
      vars: { KV_RETRY_BASE_MS: "1", KV_RETRY_MAX_ATTEMPTS: "2" },
    });
  }, 120_000);

  afterAll(async () => {
    await harness?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the damaged database at boot and says what to do", async () => {
    const { storeProblems } = await harness.state();
    expect(storeProblems).toHaveLength(1);
    expect(storeProblems![0]!.problem).toMatch(/SQLite cannot read it .*move .* away/);
  });

  it("answers reads, lists, monitoring, health and creates with 503 storage_unavailable, never 500", async () => {
    const factory = createShareFactory(5);
    const requests: [string, RequestInit?][] = [
      [`/api/share/${id}`],
      [`/s/${id}`],
      ["/api/shares"],
      ["/api/monitoring"],
      ["/healthz"],
      [
        "/api/share",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(factory.createBody()),
        },
      ],
    ];
    for (const [p, init] of requests) {
      const view = await viewResponse(await harness.fetch(p, init));
      expect(responseProblems(view), p).toEqual([]);
      expect(view.status, p).toBe(503);
    }
  });
});
