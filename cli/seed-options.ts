/**
 * @module cli/seed-options
 * The flags of `npm run seed`, parsed and checked before anything boots.
 */
import { type Command, InvalidArgumentError } from "commander";
import { CliError } from "./cli-error.js";
import { createProgram } from "../lib/program.js";
import { integerIn, parseArgv } from "./parse-argv.js";

export const SEED_HELP_HINT = "npm run seed -- --help";

export interface SeedCliOptions {
  count: number;
  seed: number;
  persistTo: string;
  clear: boolean;
  /** Shares are made in the 29 days before this; default: start of the virtual clock's UTC day. */
  now?: number;
}

/** `--now` accepts epoch milliseconds or anything `Date.parse` reads (e.g. 2026-11-25). */
function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidArgumentError(
      "Expected a date (2026-11-25, 2026-11-25T12:00:00Z) or epoch milliseconds.",
    );
  }
  return ms;
}

function seedProgram(): Command {
  return createProgram("npm run seed --")
    .description(
      "Write deterministic faker shares (and placeholder images for those marked stored) into the " +
        "persisted store; through the running `npm run dev` when one holds it.",
    )
    .option("--count <n>", "how many shares", integerIn(1, 1_000_000), 100)
    .option(
      "--seed <n>",
      "faker seed: the same seed writes the same keys and values",
      integerIn(0, 2 ** 31 - 1),
      42,
    )
    .option(
      "--persist-to <dir>",
      "root of the persisted state (KV under <dir>/v3/kv)",
      ".wrangler/state",
    )
    .option("--clear", "delete every key in the store first", false)
    .option(
      "--now <time>",
      "shares are made in the 29 days before this (default: start of today, UTC, on the harness clock)",
      parseTime,
    );
}

/** What `npm run seed -- --help` prints. */
export function seedHelp(): string {
  return seedProgram().helpInformation();
}

/**
 * Parse `npm run seed` arguments; undefined when `--help` printed the help.
 * @example parseSeedArgs(["--count", "1000", "--seed", "7"])?.count // 1000
 */
export function parseSeedArgs(argv: readonly string[]): SeedCliOptions | undefined {
  const options = parseArgv(seedProgram(), argv, SEED_HELP_HINT) as unknown as
    SeedCliOptions | undefined;
  if (!options) return undefined;
  if (options.persistTo.trim() === "") {
    throw new CliError(
      "USAGE",
      "--persist-to needs a directory, e.g. --persist-to .wrangler/state.",
    );
  }
  return options;
}
