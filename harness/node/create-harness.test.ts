/**
 * The harness around the real share Worker (`src/index.ts`): persisted KV across restart and
 * crash, virtual time moving the 30-day TTL, isolates, the memory backend losing data, outbound
 * fetch through msw into R2, captured logs, and dispose leaving no workerd or temp dir behind.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../types.js";
import { createShareHarness } from "../share/index.js";
import { workerdChildren } from "./runtime.js";

const DAY_MS = 86_400_000;
const vars = { KV_RETRY_BASE_MS: "1", KV_RETRY_MAX_ATTEMPTS: "2", KV_OP_TIMEOUT_MS: "2000" };
/** A PNG signature: the Worker stores an image only when its bytes say what it is. */
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function createShare(harness: Harness, isolate = 0, extra: Record<string, unknown> = {}) {
  const res = await harness.fetch(
    "/api/share",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        generatedUrl: "https://img.example/generated.png",
        originalUrl: "https://img.example/original.png",
        prompt: "a lighthouse at dusk",
        style: "watercolor",
        ...extra,
      }),
    },
    isolate,
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; isR2Stored?: boolean; warning?: { code: string } };
}

const status = async (harness: Harness, id: string, isolate = 0) =>
  (await harness.fetch(`/api/share/${id}`, {}, isolate)).status;

describe("harness on the kv backend", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createShareHarness({
      persistTo: "temp",
      isolates: 2,
      vars,
      handlers: [
        http.get("https://img.example/generated.png", () =>
          HttpResponse.arrayBuffer(png.buffer, { headers: { "content-type": "image/png" } }),
        ),
      ],
    });
  });
  afterAll(() => harness?.dispose());

  it("serves the Worker on every isolate over one KV namespace", async () => {
    expect(await (await harness.fetch("/healthz")).json()).toMatchObject({
      ok: true,
      status: "ok",
      backend: "kv",
    });
    const { id } = await createShare(harness, 0);
    expect(await status(harness, id, 1)).toBe(200);
    expect(await harness.kv.get(`share:${id}`)).toContain("a lighthouse at dusk");
    await expect(harness.fetch("/healthz", {}, 2)).rejects.toMatchObject({ code: "BAD_ISOLATE" });
  });

  it("persists KV where `wrangler kv --local` reads it", async () => {
    await harness.kv.put("wrangler:probe", "seen by wrangler");
    const wrangler = new URL("../../node_modules/.bin/wrangler", import.meta.url).pathname;
    const { persistTo } = await harness.state();
    const args = ["kv", "key", "get", "wrangler:probe", "--binding", "SHARE_DATA_KV", "--local"];
    const { stdout } = await promisify(execFile)(wrangler, [...args, "--persist-to", persistTo], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    expect(stdout).toContain("seen by wrangler");
  });

  it("keeps KV across restart and crash, with a new workerd each time", async () => {
    const { id } = await createShare(harness);
    const before = workerdChildren();
    await harness.restart();
    expect(await status(harness, id)).toBe(200);
    const crashed = workerdChildren();
    await harness.crashAndRecover();
    expect(await status(harness, id)).toBe(200);
    for (const pid of crashed) expect(workerdChildren()).not.toContain(pid);
    expect(before.length).toBeGreaterThan(0);
  });

  it("copies the image through msw into R2; an unmatched fetch never leaves the machine", async () => {
    const stored = await createShare(harness, 0, { storeImage: true });
    expect(stored.isR2Stored).toBe(true);
    expect(await harness.r2.get(`images/${stored.id}`)).toEqual({
      body: png,
      contentType: "image/png",
    });
    expect(await harness.r2.list("images/")).toContain(`images/${stored.id}`);

    harness.useHandlers();
    const refused = await createShare(harness, 0, { storeImage: true });
    expect(refused.isR2Stored).toBe(false);
    expect(refused.warning?.code).toBe("image_not_stored");
  });

  it("captures the Worker's JSON log lines", async () => {
    harness.logs.clear();
    await createShare(harness);
    const ops = harness.logs.all().flatMap((l) => (l.json ? [l.json.op] : []));
    expect(ops).toContain("put");
  });

  it("moves the Worker's 5-minute read cache with the virtual clock; a cache hit reads no KV", async () => {
    const { id } = await createShare(harness);
    expect(await status(harness, id)).toBe(200);
    const key = `share:${id}`;
    const stored = await harness.kv.getWithMetadata(key);
    const changed = stored.value!.replace("a lighthouse at dusk", "changed behind the cache");
    await harness.kv.put(key, changed, { metadata: stored.metadata, expirationTtl: 3600 });
    await harness.resetCounters();
    const prompt = async () =>
      ((await (await harness.fetch(`/api/share/${id}`)).json()) as { prompt: string }).prompt;
    expect(await prompt()).toBe("a lighthouse at dusk");
    expect((await harness.counters()).isolates[0]!.reads).toBe(0);
    await harness.clock.advance(5 * 60_000 + 1000);
    expect(await prompt()).toBe("changed behind the cache");
    expect((await harness.counters()).isolates[0]!.reads).toBe(1);
  });

  it("moves the 30-day TTL with the virtual clock, also after a restart", async () => {
    const { id } = await createShare(harness);
    await harness.clock.advance(29 * DAY_MS);
    expect(await status(harness, id)).toBe(200);
    await harness.clock.advance(DAY_MS + 1000);
    expect(await status(harness, id)).toBe(404);
    expect(await harness.kv.get(`share:${id}`)).toBeNull();
    await harness.restart();
    expect(await status(harness, id, 1)).toBe(404);
    expect((await harness.state()).clock).toBeGreaterThan(Date.now() + 30 * DAY_MS - 1000);
  });
});

describe("harness on the memory backend", () => {
  it("keeps data per isolate, loses it on restart, and disposes without leftovers", async () => {
    let dir: string;
    let pids: number[];
    {
      await using harness = await createShareHarness({
        backend: "memory",
        isolates: 2,
        persistTo: "temp",
        vars,
      });
      dir = (await harness.state()).persistTo;
      pids = workerdChildren();
      expect(await (await harness.fetch("/healthz")).json()).toMatchObject({
        ok: true,
        backend: "memory",
      });
      const { id } = await createShare(harness, 0);
      expect(await status(harness, id, 0)).toBe(200);
      expect(await status(harness, id, 1)).toBe(404);
      await harness.restart();
      expect(await status(harness, id, 0)).toBe(404);
    }
    expect(existsSync(dir)).toBe(false);
    const left = workerdChildren();
    for (const pid of pids) expect(left).not.toContain(pid);
  });
});
