/**
 * @module scripts/ci/flake-options
 * `npm run test:flake -- [--runs N] [--all] [--seed S] [--no-shuffle] [--out DIR] [-- vitest args]`.
 */
import { Command, InvalidArgumentError } from "commander";

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

export class FlakeOptionsError extends Error {
  readonly code = "BAD_ARGS";
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

export function parseFlakeOptions(argv: string[], defaultSeed: number): FlakeOptions {
  const program = new Command("test:flake")
    .description("Runs the suites (or, with --all, npm test) N times and reports every failure")
    .option("--runs <n>", "how many runs", positive("--runs"), 10)
    .option("--all", "every Vitest project, after the typecheck (npm test)", false)
    .option("--seed <n>", "seed of the first run (then +1 per run)", seedOf, defaultSeed)
    .option("--no-shuffle", "keep Vitest's order instead of shuffling files and tests by the seed")
    .option("--out <dir>", "where each run's log and failures go", "reports/flake")
    .argument("[vitestArgs...]", "passed to Vitest (after --)")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    const message = (error as Error).message.replace(/^error: /, "");
    throw new FlakeOptionsError(`${message} (npm run test:flake -- --runs 10 [--all] [--seed 1])`);
  }
  const o = program.opts<Omit<FlakeOptions, "vitestArgs">>();
  return { ...o, vitestArgs: program.args };
}
