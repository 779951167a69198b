/**
 * @module lib/program
 * The one commander setup of every command-line tool (`cli/`, the CI steps, the setup script):
 * help lines a fixed width, `--help` and `--version` printed by commander itself, commander never
 * exiting the process nor printing an error (the tool words a bad flag and adds how to get help).
 * Parsing answers what happened instead of throwing: run, help shown (exit 0) or a usage error.
 * @example
 * const program = createProgram("bench").option("--quick", "small sizes");
 * const parsed = parseProgram(program, argv);
 * if (parsed.kind === "help") return 0;
 * if (parsed.kind === "usage") throw new BenchError("BAD_OPTION", `${parsed.reason} (npm run bench -- --help)`);
 */
import { Command, CommanderError } from "commander";

/** Fixed, so `--help` prints the same lines everywhere (the README shows some verbatim). */
export const HELP_WIDTH = 100;

/** Exit status of a bad flag, as most command-line tools use. */
export const EXIT_USAGE = 2;

/** Where `--help` and `--version` text goes (default: the process's stdout). */
export type WriteOut = (text: string) => void;

export function createProgram(
  name: string,
  writeOut: WriteOut = (text) => void process.stdout.write(text),
): Command {
  return new Command(name)
    .exitOverride()
    .configureHelp({ helpWidth: HELP_WIDTH })
    .configureOutput({ writeOut, writeErr: () => {}, outputError: () => {} });
}

export type ParseOutcome =
  /** Options are on `program.opts()`, arguments on `program.args`. */
  | { kind: "run" }
  /** `--help` or `--version`: commander printed the text; the tool exits 0. */
  | { kind: "help" }
  /** A bad flag or argument: commander's reason (without its `error: `), for the tool to word. */
  | { kind: "usage"; reason: string };

/** Parses user arguments (without `node script`) into `program`. */
export function parseProgram(program: Command, argv: readonly string[]): ParseOutcome {
  try {
    program.parse([...argv], { from: "user" });
    return { kind: "run" };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { kind: "help" };
    return { kind: "usage", reason: error.message.replace(/^error: /, "") };
  }
}
