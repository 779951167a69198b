/**
 * @module lib/run-scope
 * One test run's own temp folder and processes, so a run leaves neither behind, crashes included.
 * The run gets a folder (`kv-share-run-<checkout>-<pid>-<random>`, `<checkout>` a hash of the
 * project folder) in RAM or the system temp folder (`runTempBase`) that becomes TMPDIR for
 * everything it starts (Vitest workers, Miniflare, workerd, the harness's temp stores,
 * Chromium profiles, CLIs under test), and every process it starts inherits `KV_SHARE_RUN=<name>`.
 * At the end the folder is removed and any process still carrying the marker is ended by its pid.
 * A run that could not clean up (its main process was killed) is cleaned by the next run in the
 * same checkout: a run folder whose pid is gone is stale. Runs of other checkouts are never touched.
 */
import { createHash } from "node:crypto";
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const RUN_MARKER = "KV_SHARE_RUN";
/** This checkout: run folders are named for it, so runs of other checkouts are never touched. */
const CHECKOUT = path.join(import.meta.dirname, "..");
const PREFIX = "kv-share-run-";

export interface RunScope {
  name: string;
  dir: string;
}

export interface Leftovers {
  /** Entries left in the run's temp folder (caches excluded). */
  entries: string[];
  /** Processes that still carried the run's marker (now ended): pid and command. */
  processes: { pid: number; command: string }[];
}

/** Caches tools keep in TMPDIR on purpose; not leaks. */
const CACHES = [/^node-compile-cache$/, /^tsx-\d+$/, /^update-check$/];

/** Linux's RAM-backed folder, and the free space a run's stores and profiles may need there. */
const RAM_DIR = "/dev/shm";
const RAM_MIN_FREE = 1024 ** 3;

/**
 * Where a run's folder goes: TMPDIR when it is set (beside the run folder TMPDIR is); else on Linux the RAM-backed /dev/shm when it
 * is writable with 1 GiB free, else the system temp folder. Miniflare's KV and R2 sync every
 * write to their files: on a virtual disk loading 1000 keys took 5.3 s there and 0.9 s in RAM.
 */
export function runTempBase(
  env: NodeJS.ProcessEnv = process.env,
  ramDir: string | null = process.platform === "linux" ? RAM_DIR : null,
): string {
  if (env.TMPDIR) {
    const dir = path.resolve(env.TMPDIR);
    // A run started inside another (bench's `npm test`, a command's Vitest run) goes beside it,
    // not inside: nested, TMPDIR outgrows the 107 bytes of the Unix socket path Chromium makes in
    // it, and every browser test fails to launch.
    return path.basename(dir).startsWith(PREFIX) ? path.dirname(dir) : dir;
  }
  if (!ramDir) return tmpdir();
  try {
    accessSync(ramDir, constants.W_OK);
    const { bavail, bsize } = statfsSync(ramDir);
    if (bavail * bsize >= RAM_MIN_FREE) return ramDir;
  } catch {
    // No such folder, or not ours to write: the system temp folder.
  }
  return tmpdir();
}

/** The run folders' prefix for the project at `root`. */
export const runPrefix = (root: string) =>
  `${PREFIX}${createHash("sha1").update(path.resolve(root)).digest("hex").slice(0, 8)}-`;

export function openRunScope(root: string, systemTmp: string, pid = process.pid): RunScope {
  const dir = mkdtempSync(path.join(systemTmp, `${runPrefix(root)}${pid}-`));
  return { name: path.basename(dir), dir };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Pids (not this process) whose environment carries `KV_SHARE_RUN=<name>` (Linux; none elsewhere). */
export function markedProcesses(name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const wanted = `${RUN_MARKER}=${name}`;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (environ.split("\0").includes(wanted)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return pids;
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 200);
  } catch {
    return "?";
  }
};

function endProcesses(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Removes the run's folder and ends its marked processes; says what there was. */
export function closeRunScope(scope: RunScope): Leftovers {
  const pids = markedProcesses(scope.name);
  const processes = pids.map((pid) => ({ pid, command: commandOf(pid) }));
  endProcesses(pids);
  let entries: string[] = [];
  try {
    entries = readdirSync(scope.dir).filter((e) => !CACHES.some((c) => c.test(e)));
  } catch {
    // Already removed.
  }
  rmSync(scope.dir, { recursive: true, force: true });
  return { entries, processes };
}

/** Cleans up after this checkout's runs whose main process is gone (killed before it could). */
export function sweepStaleRuns(root: string, systemTmp: string): string[] {
  const prefix = runPrefix(root);
  const swept: string[] = [];
  for (const entry of readdirSync(systemTmp)) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)-/.exec(entry.slice(prefix.length));
    if (!match || alive(Number(match[1]))) continue;
    closeRunScope({ name: entry, dir: path.join(systemTmp, entry) });
    swept.push(entry);
  }
  return swept;
}

/** A run this process leads: its scope, the killed runs swept before it, and how to close it. */
export interface EnteredRunScope {
  scope: RunScope;
  swept: string[];
  /** Removes the run's folder and ends its marked processes; says what there was. */
  close(): Leftovers;
}

/**
 * Makes this process lead a run: cleans up after this checkout's killed runs, opens the run's
 * folder and makes it TMPDIR and the marker of everything started from here on (Miniflare reads
 * TMPDIR at each `os.tmpdir()`, so harnesses made in this process land there too).
 */
export function enterRunScope(root: string): EnteredRunScope {
  const systemTmp = runTempBase();
  // Killed runs of this checkout may sit in either place (runs before the RAM folder was used).
  const swept = [...new Set([systemTmp, tmpdir()])].flatMap((dir) => sweepStaleRuns(root, dir));
  const scope = openRunScope(root, systemTmp);
  process.env.TMPDIR = scope.dir;
  process.env[RUN_MARKER] = scope.name;
  return { scope, swept, close: () => closeRunScope(scope) };
}

/**
 * For a command that boots workerd (the dev server, seed, bench, soak, replay, the mutation run):
 * what it leaves in TMPDIR and any process it started go when it exits, and, when it was killed,
 * with the next command's sweep. Inside a run already (a test starting the command), that run's
 * scope holds it.
 */
export function scopeThisCommand(): void {
  if (process.env[RUN_MARKER]) return;
  const { close } = enterRunScope(CHECKOUT);
  process.once("exit", () => close());
}
