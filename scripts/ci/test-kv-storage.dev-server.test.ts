import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../../harness/share/index.js";
import { startDevServer, type DevServer } from "../../harness/server/dev-server.js";
import type { Harness, KvSnapshot } from "../../harness/types.js";
import { ROOT } from "./run-vitest.js";

const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

let harness: Harness;
let server: DevServer;

function testKvStorage(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "scripts/ci/test-kv-storage.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TARGET_URL: undefined, HARNESS_MUTANT: undefined },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

const entries = (s: KvSnapshot) => s.entries;

beforeAll(async () => {
  harness = await createShareHarness({ persistTo: "temp", vars: { ADMIN_TOKEN: "developer" } });
  server = await startDevServer({ harness, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await harness?.dispose();
});

describe("npm run test:kv-storage -- --url <a running npm run dev>", () => {
  it("runs in sessions of its own and leaves the developer's store, clock, rules and restarts as they were", async () => {
    // The developer's own state: a share, a fault rule, a clock an hour ahead, one restart.
    const res = await fetch(`${server.url}/api/share`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        generatedUrl: "https://images.example.com/g.png",
        originalUrl: "https://images.example.com/o.png",
        prompt: "the developer's own share",
        style: "watercolor",
      }),
    });
    expect(res.status).toBe(201);
    const mine = (await res.json()) as { id: string };
    await harness.faults.add({ op: "get", prefix: "devonly:", kind: "latency", ms: 5 });
    await harness.clock.advance(3600_000);
    await harness.restart();
    const before = await harness.state();
    const store = entries(await harness.kv.snapshot());

    // Checks that move the clock 30 days, restart, inject faults, create and delete.
    const run = await testKvStorage([
      "--url",
      server.url,
      "--backend",
      "kv",
      "suites/get.suite.ts",
      "suites/persistence.suite.ts",
      "-t",
      "30 days|deleted share|restart",
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/kv: dev server session at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.output).toMatch(/suite cases: [1-9]\d* ran \([1-9]\d* passed, 0 failed\)/);

    const after = await harness.state();
    expect(after.rules).toEqual(before.rules);
    expect(after.restarts).toBe(before.restarts);
    expect(after.persistTo).toBe(before.persistTo);
    // Real time passes during the run; the run's 30-day jumps did not reach this clock.
    expect(after.clock - before.clock).toBeGreaterThanOrEqual(0);
    expect(after.clock - before.clock).toBeLessThan(3600_000);
    expect(entries(await harness.kv.snapshot())).toEqual(store);
    const listed = (await (await fetch(`${server.url}/api/shares`)).json()) as {
      shares: { id: string }[];
    };
    expect(listed.shares.map((s) => s.id)).toEqual([mine.id]);
    // Every session the run opened was closed with its block.
    const sessions = await (await fetch(`${server.url}/__harness/sessions`)).json();
    expect(sessions).toEqual({ sessions: [] });
  }, 300_000);
});
