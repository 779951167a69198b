/**
 * The harness core on a Worker it knows nothing of: booted from this folder's wrangler.jsonc with
 * no plugin, the KV layer in front of both namespaces, each named by its binding.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../harness/index.js";

const config = path.join(import.meta.dirname, "wrangler.jsonc");
const IDS = Array.from({ length: 20 }, (_, i) => `n${i}`);

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ config, persistTo: "temp" });
});
afterAll(() => harness?.dispose());

const put = (id: string, body: string, isolate = 0, on = harness) =>
  on.fetch(`/notes/${id}`, { method: "PUT", body }, isolate);
const read = async (path: string, isolate = 0, on = harness) => {
  const res = await on.fetch(path, {}, isolate);
  return res.status === 200 ? await res.text() : res.status;
};

describe("a Worker with two KV namespaces", () => {
  it("gets the KV layer in front of each, reachable and counted by binding", async () => {
    expect(Object.keys(harness.kvNamespaces)).toEqual(["NOTES", "SESSIONS"]);
    await harness.resetCounters();
    expect((await put("a", "first note")).status).toBe(201);
    expect(await harness.kvNamespaces.NOTES!.get("a")).toBe("first note");
    expect(await harness.kvNamespaces.SESSIONS!.get("a")).toBeNull();
    // harness.kv is the first namespace declared.
    expect(await harness.kv.get("a")).toBe("first note");
    await harness.kvNamespaces.SESSIONS!.put("s1", "from node");
    expect(await read("/sessions/s1")).toBe("from node");
    expect((await harness.kvNamespaces.NOTES!.counters()).total).toMatchObject({ writes: 1 });
    expect((await harness.kvNamespaces.SESSIONS!.counters()).total).toMatchObject({
      writes: 0,
      reads: 1,
    });
    expect((await harness.counters()).total).toMatchObject({ writes: 1, reads: 1 });
  });

  it("a fault rule naming one binding fails that namespace only", async () => {
    await harness.faults.set([{ op: "put", binding: "SESSIONS", kind: "error", status: 503 }]);
    try {
      const refused = await harness.fetch("/sessions/s2", { method: "POST" });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: "kv_unavailable" } });
      expect((await put("b", "still written")).status).toBe(201);
      expect(await harness.kvNamespaces.NOTES!.get("b")).toBe("still written");
      expect(await harness.kvNamespaces.SESSIONS!.get("s2")).toBeNull();
      expect((await harness.kvNamespaces.SESSIONS!.counters()).total.faults).toBe(1);
      expect((await harness.kvNamespaces.NOTES!.counters()).total.faults).toBe(0);
    } finally {
      await harness.faults.clear();
    }
    await expect(
      harness.faults.add({ op: "get", binding: "NOPE", kind: "network" }),
    ).rejects.toMatchObject({
      code: "BAD_RULE",
      message: expect.stringMatching(/NOTES, SESSIONS/),
    });
  });

  it("expires a session on the virtual clock and keeps the notes", async () => {
    // Its own note, whatever ran before (reset() empties the namespaces).
    expect((await put("kept", "a note to keep")).status).toBe(201);
    expect((await harness.fetch("/sessions/s3", { method: "POST" })).status).toBe(201);
    await harness.clock.advance(30_000);
    expect(await read("/sessions/s3")).not.toBe(404);
    await harness.clock.advance(31_000);
    expect(await read("/sessions/s3")).toBe(404);
    expect(await harness.kvNamespaces.SESSIONS!.get("s3")).toBeNull();
    expect(await read("/notes/kept")).toBe("a note to keep");
  });

  it("reset() empties every namespace", async () => {
    await harness.reset();
    expect((await harness.kvNamespaces.NOTES!.list()).keys).toEqual([]);
    expect((await harness.kvNamespaces.SESSIONS!.list()).keys).toEqual([]);
    expect(await read("/notes/a")).toBe(404);
  });
});

describe("two isolates on production KV", () => {
  let prod: Harness;
  beforeAll(async () => {
    prod = await createHarness({ config, persistTo: "temp", isolates: 2, profile: "production" });
  });
  afterAll(() => prod?.dispose());

  it("a note written at one location reaches the other within a minute", async () => {
    await Promise.all(IDS.map((id) => put(id, `v-${id}`, 0, prod)));
    const here = await Promise.all(IDS.map((id) => read(`/notes/${id}`, 0, prod)));
    expect(here).toEqual(IDS.map((id) => `v-${id}`));
    // Twenty delays drawn from 60 s: some note has not arrived at the other location yet.
    const there = await Promise.all(IDS.map((id) => read(`/notes/${id}`, 1, prod)));
    expect(there).toContain(404);
    // The replication window, then the other location's cached misses (60 s) run out.
    await prod.clock.advance(121_000);
    const later = await Promise.all(IDS.map((id) => read(`/notes/${id}`, 1, prod)));
    expect(later).toEqual(IDS.map((id) => `v-${id}`));
  });

  it("the namespaces replicate apart: a session is as fresh as its own namespace", async () => {
    await prod.kvNamespaces.SESSIONS!.put("direct", "seen everywhere at once");
    expect(await read("/sessions/direct", 1, prod)).toBe("seen everywhere at once");
    expect(await read("/notes/direct", 1, prod)).toBe(404);
  });
});
