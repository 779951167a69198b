/**
 * @module cli/dev-vars
 * Local secrets and var overrides for `npm run dev`, read as `wrangler dev` (4.164) reads them,
 * next to `wrangler.jsonc`:
 *
 * - `.dev.vars.<env>` (with `--env`), else `.dev.vars`: when one exists it is the only file read.
 * - Otherwise `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local` (or the `--env-file` list), a
 *   later file overriding an earlier one, `${VAR}` expanded; skipped when
 *   `CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false`, and merged over `process.env` when
 *   `CLOUDFLARE_INCLUDE_PROCESS_ENV=true`.
 * - `--var` overrides all of them (`devVarsWithOverrides`).
 *
 * Same parsers as wrangler (dotenv, dotenv-expand); `dev-vars.test.ts` compares the result with
 * wrangler's own on every combination of files.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "dotenv";
import { expand } from "dotenv-expand";
import { CliError } from "./cli-error.js";

export interface DevVarsOptions {
  /** The folder holding wrangler.jsonc. */
  root: string;
  /** `--env`: picks `.dev.vars.<env>` and adds `.env.<env>` files. */
  env?: string;
  /** `--env-file`: read these instead of `.dev.vars` and the default `.env` files. */
  envFiles?: readonly string[];
  /** Default `process.env` (the two CLOUDFLARE_* switches and, when included, the values). */
  processEnv?: NodeJS.ProcessEnv;
}

/** Where a name's value came from, as the banner prints it. */
export interface VarSource {
  name: string;
  /** A file relative to the working directory, `process.env`, or `--var`. */
  from: string;
}

export interface DevVars {
  vars: Record<string, string>;
  sources: VarSource[];
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError("USAGE", `Cannot read ${file}: ${(err as Error).message}`);
  }
}

function booleanSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined) return fallback;
  if (value.toLowerCase() === "true") return true;
  if (value.toLowerCase() === "false") return false;
  throw new CliError(
    "USAGE",
    `Expected ${name} to be "true" or "false", got ${JSON.stringify(value)}.`,
  );
}

const shown = (file: string) => path.relative(process.cwd(), file) || file;

function fromDotDevVars(root: string, env: string | undefined): DevVars | undefined {
  const candidates = [
    ...(env !== undefined ? [path.join(root, `.dev.vars.${env}`)] : []),
    path.join(root, ".dev.vars"),
  ];
  for (const file of candidates) {
    const text = readIfExists(file);
    if (text === undefined) continue;
    const vars = parse(text);
    return { vars, sources: Object.keys(vars).map((name) => ({ name, from: shown(file) })) };
  }
  return undefined;
}

function fromDotEnv(
  files: string[],
  processEnv: NodeJS.ProcessEnv,
  withProcessEnv: boolean,
): DevVars {
  const parsed: Record<string, string> = {};
  const origin = new Map<string, string>();
  for (const file of files) {
    const text = readIfExists(file);
    if (text === undefined) continue;
    for (const [name, value] of Object.entries(parse(text))) {
      parsed[name] = value;
      origin.set(name, shown(file));
    }
  }
  const base: Record<string, string> = {};
  if (withProcessEnv) {
    for (const [name, value] of Object.entries(processEnv)) {
      if (value !== undefined) base[name] = value;
    }
  }
  // dotenv-expand keeps a non-empty value already in the base over the file's.
  const raw = { ...parsed };
  expand({ processEnv: base, parsed });
  const sources: VarSource[] = Object.keys(base).map((name) => ({
    name,
    from:
      origin.has(name) && !(withProcessEnv && processEnv[name] && processEnv[name] !== raw[name])
        ? origin.get(name)!
        : "process.env",
  }));
  return { vars: base, sources };
}

/**
 * The vars `wrangler dev` would add to wrangler.jsonc's, and the file each came from.
 * @example loadDevVars({ root: "." }).vars.ADMIN_TOKEN // from .dev.vars, when it sets one
 */
export function loadDevVars(options: DevVarsOptions): DevVars {
  const processEnv = options.processEnv ?? process.env;
  const root = path.resolve(options.root);
  if (!options.envFiles?.length) {
    const devVars = fromDotDevVars(root, options.env);
    if (devVars) return devVars;
  }
  if (!booleanSwitch(processEnv, "CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV", true)) {
    return { vars: {}, sources: [] };
  }
  const names = options.envFiles?.length
    ? options.envFiles
    : [
        ".env",
        ".env.local",
        ...(options.env !== undefined ? [`.env.${options.env}`, `.env.${options.env}.local`] : []),
      ];
  return fromDotEnv(
    names.map((name) => path.resolve(root, name)),
    processEnv,
    booleanSwitch(processEnv, "CLOUDFLARE_INCLUDE_PROCESS_ENV", false),
  );
}

/**
 * `--var` on top of the files, as `wrangler dev --var` does.
 * @example devVarsWithOverrides(loadDevVars({ root: "." }), { ADMIN_TOKEN: "dev" })
 */
export function devVarsWithOverrides(loaded: DevVars, cliVars: Record<string, string>): DevVars {
  const overridden = new Set(Object.keys(cliVars));
  return {
    vars: { ...loaded.vars, ...cliVars },
    sources: [
      ...loaded.sources.filter((s) => !overridden.has(s.name)),
      ...[...overridden].map((name) => ({ name, from: "--var" })),
    ],
  };
}

/**
 * One banner line per source, names only (never values), e.g.
 * `Vars: ADMIN_TOKEN from .dev.vars; KV_WRITE_FALLBACK from --var`.
 */
export function describeVarSources(sources: VarSource[]): string {
  if (sources.length === 0) return "Vars: wrangler.jsonc only (no .dev.vars, .env or --var).";
  const byOrigin = new Map<string, string[]>();
  for (const { name, from } of sources) byOrigin.set(from, [...(byOrigin.get(from) ?? []), name]);
  const parts = [...byOrigin].map(([from, names]) =>
    from === "process.env" && names.length > 3
      ? `${names.length} names from process.env`
      : `${[...names].sort().join(", ")} from ${from}`,
  );
  return `Vars: ${parts.join("; ")}`;
}
