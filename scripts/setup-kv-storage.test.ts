/** The real entry points as child processes: the sh launcher, tsx, exit codes and streams. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  createFakeProject,
  FAKE_WRANGLER_BIN,
  type FakeProject,
} from "./fake-wrangler/fake-project.js";
import { COMMENTED_CONFIG } from "./setup-kv/commented-config.fixture.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

let project: FakeProject | undefined;
afterEach(() => {
  project?.dispose();
  project = undefined;
});

describe.skipIf(process.platform === "win32")("scripts/setup-kv-storage.sh", () => {
  it("runs the TypeScript setup from any directory; $WRANGLER picks the fake wrangler", () => {
    project = createFakeProject(COMMENTED_CONFIG);
    const run = spawnSync(
      "sh",
      [path.join(ROOT, "scripts", "setup-kv-storage.sh"), "--config", project.configPath],
      {
        cwd: project.dir,
        env: { ...project.env, WRANGLER: FAKE_WRANGLER_BIN },
        encoding: "utf8",
      },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(project.calls().map((argv) => argv.join(" "))).toEqual([
      "whoami --json",
      `kv namespace list --config ${project.configPath}`,
      `kv namespace create SHARE_DATA_KV --config ${project.configPath}`,
      `kv namespace create SHARE_DATA_KV --preview --config ${project.configPath}`,
      `r2 bucket info share-images --json --config ${project.configPath}`,
      `r2 bucket create share-images --config ${project.configPath}`,
      `r2 bucket lifecycle add share-images expire-share-images images/ --expire-days 30 --config ${project.configPath}`,
    ]);
    expect(project.config()).toMatch(/"id": "[0-9a-f]{32}",\n {6}"preview_id": "[0-9a-f]{32}"\n/);
  });

  it("says how to get Node when node is not on PATH", () => {
    const run = spawnSync("/bin/sh", [path.join(ROOT, "scripts", "setup-kv-storage.sh")], {
      env: { PATH: "/nonexistent" },
      encoding: "utf8",
    });
    expect(run.status).toBe(127);
    expect(run.stderr).toContain(
      "Node.js was not found on PATH. Install Node.js 22.12 or newer (24 LTS recommended)",
    );
  });
});

describe("scripts/setup-kv-storage.ts under tsx", () => {
  it("prints the error to stderr and exits with its code when wrangler is not logged in", () => {
    project = createFakeProject(COMMENTED_CONFIG, { loggedIn: false });
    const run = spawnSync(TSX, [path.join(ROOT, "scripts", "setup-kv-storage.ts")], {
      cwd: project.dir,
      env: project.env,
      encoding: "utf8",
    });
    expect(run.status).toBe(6);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^setup-kv-storage: Wrangler is not logged in to Cloudflare/);
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });
});
