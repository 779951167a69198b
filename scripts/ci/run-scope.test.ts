import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  closeRunScope,
  markedProcesses,
  openRunScope,
  RUN_MARKER,
  runPrefix,
  runTempBase,
  sweepStaleRuns,
} from "../../lib/run-scope.js";
import { ROOT } from "./run-vitest.js";

const VITEST = path.join(ROOT, "node_modules/vitest/vitest.mjs");
const CHILD_RUN_MS = 180_000;

let systemTmp: string;
beforeEach(() => {
  systemTmp = mkdtempSync(path.join(tmpdir(), "run-scope-test-"));
});
afterEach(() => rmSync(systemTmp, { recursive: true, force: true }));

/** A Node process that waits, started with `env`; resolves once it runs. */
function idleProcess(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-e", "console.log('up'); setInterval(() => {}, 1000)"],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    child.on("error", reject);
    child.stdout!.once("data", () => resolve(child));
  });
}

const running = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has ended
  } catch {
    return false;
  }
};

/** Processes whose process group is `pgid` (Linux). */
function inGroup(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, "utf8");
        return (
          Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid && running(Number(e))
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A child Vitest run in its own process group, with `tmp` as its system temp folder. */
function childRun(
  args: string[],
  tmp: string,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string; pgid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, "run", ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        TMPDIR: tmp,
        [RUN_MARKER]: "",
        VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
        ...env,
      },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output, pgid: child.pid! }));
  });
}

/** The scoped command fixture, with `tmp` as its system temp folder, once it has printed. */
function scopedCommand(mode: "exit" | "wait", tmp: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "scripts/ci/fixtures/scoped-command.fixture.ts"), mode],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, TMPDIR: tmp, [RUN_MARKER]: "" },
    },
  );
  return new Promise<{ child: ChildProcess; dir: string; pid: number }>((resolve, reject) => {
    child.on("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve({ child, ...JSON.parse(String(d)) }));
  });
}

/**
 * A process the scope ended is not its child: SIGKILL was sent, and the kernel ends it soon after
 * (its parent, init, reaps it), not by the time the command has exited.
 */
const ended = (pid: number) =>
  vi.waitFor(() => expect(running(pid)).toBe(false), { timeout: 10_000, interval: 50 });

/** What `tmp` holds besides tsx's own cache (made before the command takes its scope, on purpose). */
const leftIn = (tmp: string) => readdirSync(tmp).filter((e) => !/^tsx-\d+$/.test(e));

describe("a command that boots workerd (scopeThisCommand)", () => {
  it("takes its temp folders and processes with it when it exits", async () => {
    const { child, dir, pid } = await scopedCommand("exit", systemTmp);
    expect(dir.startsWith(systemTmp)).toBe(true);
    await once(child, "exit");
    expect(leftIn(systemTmp)).toEqual([]);
    await ended(pid);
  });

  it("killed, leaves them to the next command, which cleans them up", async () => {
    const killed = await scopedCommand("wait", systemTmp);
    killed.child.kill("SIGKILL");
    await once(killed.child, "exit");
    expect(existsSync(killed.dir)).toBe(true);
    const next = await scopedCommand("exit", systemTmp);
    await once(next.child, "exit");
    expect(leftIn(systemTmp)).toEqual([]);
    await ended(killed.pid);
  });
});

describe("where a run's folder goes", () => {
  it("is the RAM folder when TMPDIR is unset, else TMPDIR (beside a run folder) or the system temp folder", () => {
    expect(runTempBase({}, systemTmp)).toBe(systemTmp);
    expect(runTempBase({ TMPDIR: "/somewhere" }, systemTmp)).toBe("/somewhere");
    // Inside another run's folder: beside it, so paths stay short enough for Chromium's socket.
    const outer = path.join(systemTmp, `${runPrefix(ROOT)}1-abcdef`);
    expect(runTempBase({ TMPDIR: outer }, null)).toBe(systemTmp);
    expect(runTempBase({}, path.join(systemTmp, "missing"))).toBe(tmpdir());
    expect(runTempBase({}, null)).toBe(tmpdir());
  });
});

describe("a run's scope", () => {
  it("ends the run's processes and removes its temp folder, and says what it cleaned", async () => {
    const scope = openRunScope(ROOT, systemTmp);
    writeFileSync(path.join(scope.dir, "leak.txt"), "x");
    mkdirSync(path.join(scope.dir, "node-compile-cache"));
    const child = await idleProcess({ [RUN_MARKER]: scope.name, TMPDIR: scope.dir });
    const other = await idleProcess({ [RUN_MARKER]: "another-run" });
    const pid = child.pid!;
    expect(markedProcesses(scope.name)).toEqual([pid]);
    expect(closeRunScope(scope)).toEqual({
      entries: ["leak.txt"],
      processes: [{ pid, command: expect.stringContaining("setInterval") }],
    });
    expect(readdirSync(systemTmp)).toEqual([]);
    await once(child, "exit");
    expect(running(pid)).toBe(false);
    expect(running(other.pid!)).toBe(true);
    other.kill("SIGKILL");
  });

  it("cleans up after this checkout's killed runs only", async () => {
    const gone = await idleProcess({});
    gone.kill("SIGKILL");
    await once(gone, "exit");
    const dead = gone.pid!;
    const stale = openRunScope(ROOT, systemTmp, dead);
    const live = openRunScope(ROOT, systemTmp, process.pid);
    const elsewhere = path.join(systemTmp, `${runPrefix("/another/checkout")}${dead}-x`);
    mkdirSync(elsewhere);
    expect(sweepStaleRuns(ROOT, systemTmp)).toEqual([stale.name]);
    expect(readdirSync(systemTmp).sort()).toEqual([live.name, path.basename(elsewhere)].sort());
  });

  it(
    "a suite run leaves the temp folder count and the process table as they were",
    async () => {
      const before = readdirSync(systemTmp).length;
      const run = await childRun(["--project", "suites", "suites/create.suite.ts"], systemTmp, {
        SUITE_BACKENDS: "memory",
      });
      expect(run.code, run.output).toBe(0);
      expect(readdirSync(systemTmp).length).toBe(before);
      expect(inGroup(run.pgid)).toEqual([]);
      // Nothing was left for the run scope to clean: the suites themselves leak nothing.
      expect(run.output).not.toContain("run scope:");
    },
    CHILD_RUN_MS,
  );

  it(
    "a run whose test worker is killed mid-test leaves no temp folder and no process",
    async () => {
      const before = readdirSync(systemTmp).length;
      const config = "scripts/ci/fixtures/crash.vitest.config.ts";
      const run = await childRun(["--config", config], systemTmp);
      expect(run.code).not.toBe(0);
      expect(readdirSync(systemTmp).length).toBe(before);
      expect(inGroup(run.pgid)).toEqual([]);
      // The crash left Miniflare's and the harness's temp folders; the scope removed them.
      expect(run.output).toMatch(/run scope: .*removed \d+ temp entr/);
    },
    CHILD_RUN_MS,
  );
});
