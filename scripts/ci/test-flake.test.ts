import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./run-vitest.js";

const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
let out: string | undefined;
afterEach(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function flake(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "scripts/ci/test-flake.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

describe("npm run test:flake", () => {
  it("runs N times with a seed each and reports every failure with its test name and seed", async () => {
    out = mkdtempSync(path.join(tmpdir(), "flake-out-"));
    const config = "scripts/ci/fixtures/flaky.vitest.config.ts";
    const { code, output } = await flake([
      "--runs",
      "2",
      "--seed",
      "1",
      "--no-shuffle",
      "--out",
      out,
      "--",
      "--config",
      config,
      "--project",
      "flaky",
    ]);
    expect(code, output).toBe(1);
    expect(output).toContain("run 1/2 seed 1: FAILED: 1 passed, 1 failed, 0 skipped");
    expect(output).toMatch(/run 2\/2 seed 2: passed: 2 passed, 0 failed, 0 skipped/);
    expect(output).toContain(
      "- run 1, seed 1, flaky: scripts/ci/fixtures/seeded-failure.fixture.ts > a seeded check > passes on even seeds",
    );
    expect(output).toContain("odd seed");
    expect(output).toContain(
      'again: FUZZ_SEED=1 npx vitest run --project flaky scripts/ci/fixtures/seeded-failure.fixture.ts -t "passes on even seeds"',
    );
    expect(output).toContain("flake: 2 runs, 1 passed, 1 failed; 1 failure(s)");
    expect(readdirSync(out).sort()).toEqual(["run-1.json", "run-1.log", "run-2.json", "run-2.log"]);
  }, 120_000);

  it("says what to do with a bad option", async () => {
    const { code, output } = await flake(["--runs", "zero"]);
    expect(code).toBe(2);
    expect(output).toContain("test:flake: option '--runs <n>' argument 'zero' is invalid.");
  });
});
