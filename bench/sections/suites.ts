/**
 * @module bench/sections/suites
 * `--with-suites`: the wall time of the whole `npm run test:kv-storage`, and how its test time
 * splits between backends and between restart tests and request tests (read from the JUnit XML it
 * writes). Boots run in beforeAll hooks, so they are wall time outside every test case.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "../context";
import { BenchError } from "../errors";
import { compare, timed, type Comparison } from "../measure";
import { fmt } from "../report";
import { ROOT } from "../plain-miniflare";

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

function run(junit: string): Promise<number> {
  // Our own JUnit file: reports/junit.xml is rewritten by every vitest run in this checkout.
  const args = ["run", "test:kv-storage", "--", `--outputFile.junit=${junit}`];
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd: ROOT, stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

export async function suites(ctx: BenchContext): Promise<Comparison[]> {
  if (!existsSync(path.join(ROOT, "scripts", "ci", "test-kv-storage.ts"))) {
    throw new BenchError("SUITES_MISSING", "scripts/ci/test-kv-storage.ts does not exist yet");
  }
  ctx.log("suites: npm run test:kv-storage (both backends)");
  const junit = path.join(ctx.tempDir("suites"), "junit.xml");
  let exitCode = 0;
  const wall = await timed(async () => {
    exitCode = await run(junit);
  });
  if (!existsSync(junit)) {
    throw new BenchError(
      "REQUEST_FAILED",
      `npm run test:kv-storage (exit ${exitCode}) wrote no ${junit}`,
    );
  }
  const cases = parseJunitCases(readFileSync(junit, "utf8"));
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
  return [
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
