/**
 * @module cli/parse-argv
 * Runs a commander program over argv without letting commander exit the process, and the option
 * parsers the CLIs share. Every bad flag becomes a CliError("usage") that says what to do.
 */
import { type Command, CommanderError, InvalidArgumentError } from "commander";
import { CliError, HelpShown } from "./cli-error.js";

/** Fixed, so `--help` prints the same lines everywhere (the README shows them verbatim). */
export const HELP_WIDTH = 100;

/**
 * Parse `argv` (user arguments only, without `node script`). Returns the program's options.
 * @example const opts = parseArgv(program, ["--port", "0"], "npm run dev -- --help")
 */
export function parseArgv(
  program: Command,
  argv: readonly string[],
  helpHint: string,
): Record<string, unknown> {
  program.exitOverride();
  program.configureOutput({ writeErr: () => {}, outputError: () => {} });
  try {
    program.parse([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) throw new HelpShown(err.message);
      const message = err.message.replace(/^error: /, "");
      throw new CliError("usage", `${message}\nRun \`${helpHint}\` to see every flag.`);
    }
    throw err;
  }
  return program.opts();
}

/** A parser for a whole number within bounds, for commander's `.option(flags, desc, parser)`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A parser for one of a fixed set of words. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`Expected one of: ${choices.join(", ")}.`);
    }
    return value as T;
  };
}

/** Collects repeated `--var KEY=VALUE` flags into a record. */
export function keyValue(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const eq = value.indexOf("=");
  const key = eq > 0 ? value.slice(0, eq) : "";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new InvalidArgumentError(
      "Expected KEY=VALUE with KEY a variable name, e.g. --var KV_WRITE_FALLBACK=memory.",
    );
  }
  return { ...previous, [key]: value.slice(eq + 1) };
}
