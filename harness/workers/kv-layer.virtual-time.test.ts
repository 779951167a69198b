/**
 * Virtual time: KV expiry follows `harness.clock`, through the layer, in direct store access and
 * after a restart or a new harness on the same persisted directory. Also snapshot/load/clear.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

const DAY = 86_400;
let dir: string;
let probe: ProbeHarness;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "kv-harness-vt-"));
  probe = await createProbeHarness({ persistTo: dir });
});
afterAll(async () => {
  await probe?.harness.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("virtual time", () => {
  it("a 30-day TTL expires when the clock moves 30 days, everywhere, and stays expired", async () => {
    const { harness, call } = probe;
    await call("LAYER_0", "put", "vt:share", "v", { expirationTtl: 30 * DAY, metadata: { m: 1 } });
    await call("LAYER_0", "put", "vt:keep", "k");
    // Two minutes short of 30 days (more than any test takes), then just past them.
    await harness.clock.advance((30 * DAY - 120) * 1000);
    expect(await call("LAYER_0", "get", "vt:share")).toBe("v");
    await harness.clock.advance(121_000);
    expect(await call("LAYER_0", "get", "vt:share")).toBeNull();
    expect(await call("LAYER_0", "getWithMetadata", "vt:share")).toEqual({
      value: null,
      metadata: null,
      cacheStatus: null,
    });
    expect(await call("LAYER_0", "get", ["vt:share", "vt:keep"])).toEqual(
      new Map([
        ["vt:share", null],
        ["vt:keep", "k"],
      ]),
    );
    const listed = (await call("LAYER_0", "list", { prefix: "vt:" })) as {
      keys: { name: string }[];
    };
    expect(listed.keys.map((k) => k.name)).toEqual(["vt:keep"]);
    expect(await harness.kv.get("vt:share")).toBeNull();
    expect((await harness.kv.snapshot({ prefix: "vt:" })).entries.map((e) => e.key)).toEqual([
      "vt:keep",
    ]);

    await harness.restart();
    expect(await call("LAYER_0", "get", "vt:share")).toBeNull();

    const clockBefore = harness.clock.now();
    expect(
      JSON.parse(readFileSync(path.join(dir, "harness-clock.json"), "utf8")).offsetMs,
    ).toBeGreaterThan(30 * DAY * 1000 - 1);
    await harness.dispose();
    probe = await createProbeHarness({ persistTo: dir });
    expect(probe.harness.clock.now()).toBeGreaterThanOrEqual(clockBefore);
    expect(await probe.call("LAYER_0", "get", "vt:share")).toBeNull();
    expect(await probe.call("LAYER_0", "get", "vt:keep")).toBe("k");
  });

  it("validates expirations against the virtual clock with KV's messages", async () => {
    // A day ahead of real time (whatever ran before), so an hour from now is already past.
    await probe.harness.clock.advance(DAY * 1000);
    const virtualSec = Math.floor(probe.harness.clock.now() / 1000);
    const realSoon = Math.floor(Date.now() / 1000) + 3600;
    await expect(
      probe.call("LAYER_0", "put", "vt:x", "x", { expiration: realSoon }),
    ).rejects.toThrow(
      `KV PUT failed: 400 Invalid expiration of ${realSoon}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
    );
    await expect(
      probe.call("LAYER_0", "put", "vt:x", "x", { expiration: virtualSec + 30 }),
    ).rejects.toThrow(
      `KV PUT failed: 400 Invalid expiration of ${virtualSec + 30}. Expiration times must be at least 60 seconds in the future.`,
    );
    await expect(probe.call("LAYER_0", "put", "vt:x", "x", { expirationTtl: 30 })).rejects.toThrow(
      "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    );
    await probe.call("LAYER_0", "put", "vt:x", "x", { expirationTtl: 120 });
    const { keys } = (await probe.call("LAYER_0", "list", { prefix: "vt:x" })) as {
      keys: { expiration: number }[];
    };
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(virtualSec + 120);
  });

  it("refuses to move the clock behind real time", async () => {
    await expect(probe.harness.clock.set(Date.now() - 1000)).rejects.toMatchObject({
      code: "CLOCK_BACKWARDS",
    });
    await expect(probe.harness.clock.advance(-1)).rejects.toMatchObject({
      code: "CLOCK_BACKWARDS",
    });
  });
});

describe("snapshot, load and clear", () => {
  it("round-trips values, metadata, expiration and non-UTF-8 bytes", async () => {
    const { harness, call } = probe;
    await harness.kv.put("snap:a", "text", { metadata: { owner: "ada" }, expirationTtl: 3600 });
    // JSON cannot carry raw bytes to the probe, so the binary value goes in through load().
    await harness.kv.load({
      version: 1,
      takenAt: harness.clock.now(),
      entries: [{ key: "snap:bin", value: "/wD+", encoding: "base64" }],
    });
    const snap = await harness.kv.snapshot({ prefix: "snap:" });
    expect(snap.version).toBe(1);
    expect(snap.entries).toEqual([
      {
        key: "snap:a",
        value: "text",
        encoding: "utf8",
        metadata: { owner: "ada" },
        expiration: expect.any(Number),
      },
      { key: "snap:bin", value: "/wD+", encoding: "base64" },
    ]);
    await harness.kv.clear();
    expect((await harness.kv.list()).keys).toEqual([]);
    await harness.kv.load(snap);
    expect(await harness.kv.getWithMetadata("snap:a")).toEqual({
      value: "text",
      metadata: { owner: "ada" },
      expiration: snap.entries[0]!.expiration,
    });
    expect(await call("LAYER_0", "get", "snap:bin", "arrayBuffer")).toEqual(
      new Uint8Array([0xff, 0x00, 0xfe]),
    );
  });
});
