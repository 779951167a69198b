/**
 * The store the harness persists is the one `wrangler dev` uses: real wrangler, run as a user
 * would (`wrangler kv key list|get --local --persist-to`), reads what the Worker wrote through
 * the harness, and what wrangler writes the harness's Worker serves.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../share/index.js";
import type { Harness } from "../types.js";

const ROOT = path.join(import.meta.dirname, "../..");
const run = promisify(execFile);

async function wrangler(persistTo: string, ...args: string[]): Promise<string> {
  const bin = path.join(ROOT, "node_modules", ".bin", "wrangler");
  const { stdout } = await run(
    bin,
    [...args, "--binding", "SHARE_DATA_KV", "--local", "--persist-to", persistTo],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  return stdout;
}

describe("persisted layout shared with wrangler", () => {
  let dir: string;
  let harness: Harness | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "kv-harness-layout-"));
  });
  afterAll(async () => {
    await harness?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("wrangler lists and reads a share the Worker created through the harness", async () => {
    harness = await createShareHarness({ persistTo: dir });
    const res = await harness.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        generatedUrl: "https://img.example/g.png",
        originalUrl: "https://img.example/o.png",
        prompt: "read by wrangler",
        style: "watercolor",
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await harness.dispose();
    harness = undefined;

    const keys = JSON.parse(await wrangler(dir, "kv", "key", "list")) as {
      name: string;
      expiration?: number;
    }[];
    const key = keys.find((k) => k.name === `share:${id}`);
    expect(key?.expiration).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    const value = JSON.parse(await wrangler(dir, "kv", "key", "get", `share:${id}`)) as {
      prompt: string;
    };
    expect(value.prompt).toBe("read by wrangler");
  }, 60_000);

  it("the harness reads a key wrangler put into the store", async () => {
    await wrangler(dir, "kv", "key", "put", "wrangler:probe", "written by wrangler");
    harness = await createShareHarness({ persistTo: dir });
    expect(await harness.kv.get("wrangler:probe")).toBe("written by wrangler");
  }, 60_000);
});
