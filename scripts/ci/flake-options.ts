/**
 * @module scripts/ci/flake-options
 * `npm run test:flake -- [--runs N] [--all] [--seed S] [--no-shuffle] [--out DIR] [-- vitest args]`.
 */
import { ProjectError } from "../../lib/project-error.js";
import { InvalidArgumentError } from "commander";
import { createProgram, parseProgram } from "../../lib/program.js";

export interface FlakeOptions {
  runs: number;
  /** Every project with the typecheck first, exactly `npm test`; else the six suites x backends. */
  all: boolean;
  /** The first run's seed; run i uses seed + i - 1. */
  seed: number;
  /** Shuffle test files and tests by the run's seed (Vitest's `sequence.shuffle`). */
  shuffle: boolean;
  /** Where each run's log and failures go. */
  out: string;
  /** Passed to Vitest as they are (files, `-t`, `--project`). */
  vitestArgs: string[];
}

export class FlakeOptionsError extends ProjectError<"BAD_ARGS"> {
  constructor(message: string) {
    super("BAD_ARGS", message);
  }
}

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

const seedOf = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError("the seed must be a whole number");
  return n;
};

/** The run's options; undefined when `--help` printed the help. */
export function parseFlakeOptions(argv: string[], defaultSeed: number): FlakeOptions | undefined {
  const program = createProgram("test:flake")
    .description("Runs the suites (or, with --all, npm test) N times and reports every failure")
    .option("--runs <n>", "how many runs", positive("--runs"), 10)
    .option("--all", "every Vitest project, after the typecheck (npm test)", false)
    .option("--seed <n>", "seed of the first run (then +1 per run)", seedOf, defaultSeed)
    .option("--no-shuffle", "keep Vitest's order instead of shuffling files and tests by the seed")
    .option("--out <dir>", "where each run's log and failures go", "reports/flake")
    .argument("[vitestArgs...]", "passed to Vitest (after --)");
  const parsed = parseProgram(program, argv);
  if (parsed.kind === "help") return undefined;
  if (parsed.kind === "usage") {
    throw new FlakeOptionsError(
      `${parsed.reason} (npm run test:flake -- --runs 10 [--all] [--seed 1])`,
    );
  }
  const o = program.opts<Omit<FlakeOptions, "vitestArgs">>();
  return { ...o, vitestArgs: program.args };
}
