/**
 * @module cli/parse-argv
 * Runs a `createProgram()` program over argv for the dev and seed CLIs, and the option parsers they
 * share. Every bad flag becomes a CliError("USAGE") that says what to do.
 */
import { type Command, InvalidArgumentError } from "commander";
import { parseProgram } from "../lib/program.js";
import { CliError } from "./cli-error.js";

/**
 * Parse `argv` (user arguments only, without `node script`). Returns the program's options, or
 * undefined when `--help` printed the help (the tool then exits 0).
 * @example const opts = parseArgv(program, ["--port", "0"], "npm run dev -- --help")
 */
export function parseArgv(
  program: Command,
  argv: readonly string[],
  helpHint: string,
): Record<string, unknown> | undefined {
  const parsed = parseProgram(program, argv);
  if (parsed.kind === "help") return undefined;
  if (parsed.kind === "usage") {
    throw new CliError("USAGE", `${parsed.reason}\nRun \`${helpHint}\` to see every flag.`);
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
