/**
 * @module bench/options
 * `npm run bench` flags and the sizes they imply. Default fits ~4 minutes on 2 cores; `--quick`
 * (what CI runs) fits ~40 s and only proves every section still works.
 */
import { InvalidArgumentError } from "commander";
import { createProgram, parseProgram } from "../lib/program.js";
import { BenchError } from "./errors.js";

export const SECTIONS = ["growth", "boot", "requests", "kv", "memory", "load", "suites"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  sections: Section[];
  /** Growth checkpoints: store sizes at which the n-th create and a list page are measured. */
  growthSizes: number[];
  growthRounds: number;
  bootRounds: number;
  requestRounds: number;
  /** Rounds of the kv section; each times a batch of KV calls inside workerd per side. */
  kvRounds: number;
  /** Shares in the dev server's store for the memory figure. */
  memoryShares: number;
  /** `--suites-baseline <commit>`: also time `npm run test:kv-storage` at that commit. */
  suitesBaseline?: string;
  /** Seconds per autocannon run (three measured runs per side, after a warm-up). */
  loadSeconds: number;
  outDir: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be an integer >= 1");
  return n;
}

function sectionList(value: string): Section[] {
  const names = value.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown section "${name}" (one of ${SECTIONS.join(", ")})`);
    }
  }
  return names as Section[];
}

/**
 * undefined when `--help` printed the help.
 * @example parseBenchArgs(["--quick"])?.growthSizes // [10, 100]
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | undefined {
  const program = createProgram("bench")
    .description("Every figure beside its baseline, measured interleaved in this run.")
    .option("--quick", "small sizes and few rounds (CI), ~40 s")
    .option("--with-suites", "also time the whole `npm run test:kv-storage` (slow)")
    .option(
      "--suites-baseline <commit>",
      "also time `npm run test:kv-storage` at <commit> (a temporary worktree), right before this tree",
    )
    .option("--only <sections>", `comma-separated subset of ${SECTIONS.join(",")}`, sectionList)
    .option(
      "--memory-shares <n>",
      "shares in the dev server store for the memory figure",
      positiveInt,
    )
    .option("--out <dir>", "where bench.json and bench.md go", "reports");
  const parsed = parseProgram(program, argv);
  if (parsed.kind === "help") return undefined;
  if (parsed.kind === "usage") {
    throw new BenchError("BAD_OPTION", `${parsed.reason} (npm run bench -- --help)`);
  }
  const raw = program.opts<{
    quick?: boolean;
    withSuites?: boolean;
    suitesBaseline?: string;
    only?: Section[];
    memoryShares?: number;
    out: string;
  }>();
  const quick = raw.quick === true;
  const withSuites = raw.withSuites === true || raw.suitesBaseline !== undefined;
  let sections = raw.only ?? SECTIONS.filter((s) => s !== "suites" || withSuites);
  if (raw.only && withSuites && !sections.includes("suites")) sections = [...sections, "suites"];
  return {
    quick,
    sections,
    growthSizes: quick ? [10, 100] : [10, 100, 1000, 10_000],
    growthRounds: quick ? 3 : 15,
    bootRounds: quick ? 1 : 5,
    requestRounds: quick ? 20 : 200,
    kvRounds: quick ? 10 : 60,
    memoryShares: raw.memoryShares ?? (quick ? 100 : 10_000),
    loadSeconds: quick ? 1 : 4,
    ...(raw.suitesBaseline !== undefined ? { suitesBaseline: raw.suitesBaseline } : {}),
    outDir: raw.out,
  };
}
