/**
 * @module bench/sections/suites
 * `--with-suites`: the wall time of the whole `npm run test:kv-storage` and of `npm test`, each
 * beside what a quiet 2-core machine needs at least (CPU time of the process tree / 2) with the
 * targets (12 s and 120 s), and how the suites' test time splits between backends and between
 * restart tests and request tests (read from the JUnit XML it writes). Boots run in beforeAll
 * hooks, so they are wall time outside every test case. With `--suites-baseline <commit>` the
 * suites first run at that commit in a temporary worktree, then in this tree, back to back, and
 * rows compare the two (wall and CPU time, the cases each ran).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "../context.js";
import { BenchError } from "../errors.js";
import { compare, timed, type Comparison } from "../measure.js";
import { fmt } from "../report.js";
import { ROOT } from "../plain-miniflare.js";
import { withWorktree } from "../worktree.js";

export interface CaseTime {
  name: string;
  ms: number;
}

/** Test cases of a JUnit XML file (Vitest's reporter), with names including their classname. */
export function parseJunitCases(xml: string): CaseTime[] {
  const cases: CaseTime[] = [];
  for (const match of xml.matchAll(/<testcase\b([^>]*)>/g)) {
    const attrs = match[1]!;
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? "";
    cases.push({ name: `${attr("classname")} > ${attr("name")}`, ms: Number(attr("time")) * 1000 });
  }
  return cases;
}

const RESTART = /restart|crash|recover|persist/i;

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) of this process's finished children and their descendants. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of stat(5) (cutime, cstime); fields[0] here is field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN; // Not Linux: no CPU figure.
  }
}

interface Measured {
  code: number;
  wallMs: number;
  /** CPU time of the whole process tree: what a quiet machine must spend at least. */
  cpuMs: number;
}

/** Runs `npm args` in `cwd` (the project root) with no output; its exit code, wall and CPU time. */
async function measured(args: string[], cwd = ROOT): Promise<Measured> {
  const cpu0 = childrenCpuMs();
  let code = 1;
  const wallMs = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn("npm", args, { cwd, stdio: "ignore" });
        child.once("error", reject);
        child.once("exit", (c) => {
          code = c ?? 1;
          resolve();
        });
      }),
  );
  return { code, wallMs, cpuMs: childrenCpuMs() - cpu0 };
}

const CORES = 2;

/**
 * One row for a test command: its wall time on this machine beside what a quiet 2-core machine
 * needs at least (CPU time / 2, plus `serialCpuMs` that cannot run in parallel). On a loaded
 * machine the wall time says little; the lower bound still rules a target out (or not). It is a
 * bound, not a forecast: waits (timers, polling) take wall time without CPU. Ratio = how much
 * load (and waiting) stretched the run.
 */
function commandRow(name: string, m: Measured, targetS: number, serialCpuMs = 0, note = "") {
  const quietMs = serialCpuMs + (m.cpuMs - serialCpuMs) / CORES;
  return compare({
    section: "suites",
    name,
    unit: "ms",
    subject: { label: "wall, this machine", samples: [m.wallMs] },
    baseline: { label: `quiet ${CORES}-core lower bound`, samples: [quietMs] },
    target: {
      text: `quiet ${CORES}-core lower bound <= ${targetS} s (wall on a quiet machine is the target)`,
      check: (c) => c.baseline.summary.median <= targetS * 1000,
    },
    note:
      `exit ${m.code}; wall ${fmt(m.wallMs / 1000)} s, CPU ${fmt(m.cpuMs / 1000)} s (whole process ` +
      `tree), load factor ${fmt(m.wallMs / quietMs)}${note ? `; ${note}` : ""}`,
  });
}

interface SuitesRun {
  measured: Measured;
  cases: CaseTime[];
}

/** `npm run test:kv-storage` in `checkout`, with the cases its JUnit XML lists. */
async function kvStorageRun(ctx: BenchContext, checkout: string): Promise<SuitesRun> {
  // Our own JUnit file: reports/junit.xml is rewritten by every vitest run in a checkout.
  const junit = path.join(ctx.tempDir("suites"), "junit.xml");
  const run = await measured(
    ["run", "test:kv-storage", "--", `--outputFile.junit=${junit}`],
    checkout,
  );
  if (!existsSync(junit)) {
    throw new BenchError(
      "REQUEST_FAILED",
      `npm run test:kv-storage in ${checkout} (exit ${run.code}) wrote no ${junit}`,
    );
  }
  return { measured: run, cases: parseJunitCases(readFileSync(junit, "utf8")) };
}

/** This tree's test:kv-storage beside the baseline commit's, run just before it. */
function baselineRows(
  subject: Measured,
  cases: CaseTime[],
  baseline: SuitesRun,
  commit: string,
): Comparison[] {
  const note =
    `this tree exit ${subject.code}, ${cases.length} cases; ${commit} exit ` +
    `${baseline.measured.code}, ${baseline.cases.length} cases; run back to back, ${commit} first`;
  const row = (name: string, pick: (m: Measured) => number) =>
    compare({
      section: "suites",
      name,
      unit: "ms",
      subject: { label: "this tree", samples: [pick(subject)] },
      baseline: { label: commit, samples: [pick(baseline.measured)] },
      note,
    });
  return [
    row("npm run test:kv-storage wall, this tree vs baseline", (m) => m.wallMs),
    row("npm run test:kv-storage CPU (process tree), this tree vs baseline", (m) => m.cpuMs),
  ];
}

export async function suites(ctx: BenchContext): Promise<Comparison[]> {
  if (!existsSync(path.join(ROOT, "scripts", "ci", "test-kv-storage.ts"))) {
    throw new BenchError("SUITES_MISSING", "scripts/ci/test-kv-storage.ts does not exist yet");
  }
  const commit = ctx.options.suitesBaseline;
  let baseline: SuitesRun | undefined;
  if (commit !== undefined) {
    ctx.log(`suites: npm run test:kv-storage at ${commit} (temporary worktree)`);
    baseline = await withWorktree(ROOT, commit, ctx.tempDir("baseline"), (checkout) =>
      kvStorageRun(ctx, checkout),
    );
  }
  ctx.log("suites: npm run test:kv-storage (both backends)");
  const { measured: kvStorage, cases } = await kvStorageRun(ctx, ROOT);
  const exitCode = kvStorage.code;
  const wall = kvStorage.wallMs;
  const sum = (list: CaseTime[]) => list.reduce((s, c) => s + c.ms, 0);
  const of = (backend: string) => cases.filter((c) => c.name.includes(`[${backend}]`));
  const kv = of("kv");
  const memory = of("memory");
  const restarts = kv.filter((c) => RESTART.test(c.name));
  const split =
    `wall ${fmt(wall / 1000)} s (exit ${exitCode}); summed test-case time ${fmt(sum(cases) / 1000)} s ` +
    `over ${cases.length} cases; kv restart/crash/persistence tests ${fmt(sum(restarts) / 1000)} s, ` +
    `kv request tests ${fmt((sum(kv) - sum(restarts)) / 1000)} s; boots, bundling and collection are ` +
    `the rest of the wall time (files run in parallel, so summed test time can exceed wall)`;
  // npm test is `npm run typecheck && vitest run`: timed as its two steps (tsc is one thread).
  ctx.log("suites: npm test (typecheck, then every Vitest project)");
  const typecheck = await measured(["run", "typecheck"]);
  const allJunit = path.join(ctx.tempDir("npm-test"), "junit.xml");
  const vitest = await measured(["exec", "--", "vitest", "run", `--outputFile.junit=${allJunit}`]);
  const npmTest: Measured = {
    code: typecheck.code || vitest.code,
    wallMs: typecheck.wallMs + vitest.wallMs,
    cpuMs: typecheck.cpuMs + vitest.cpuMs,
  };
  return [
    commandRow("npm run test:kv-storage", kvStorage, 12),
    ...(baseline ? baselineRows(kvStorage, cases, baseline, commit!) : []),
    commandRow(
      "npm test",
      npmTest,
      120,
      typecheck.cpuMs,
      `typecheck ${fmt(typecheck.wallMs / 1000)} s wall, ${fmt(typecheck.cpuMs / 1000)} s CPU (counted serial)`,
    ),
    compare({
      section: "suites",
      name: "test case time, kv backend vs memory backend",
      unit: "ms",
      subject: { label: "kv (harness)", samples: kv.map((c) => c.ms) },
      baseline: { label: "memory", samples: memory.map((c) => c.ms) },
      note: split,
    }),
  ];
}
