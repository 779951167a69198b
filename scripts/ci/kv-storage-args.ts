/**
 * @module scripts/ci/kv-storage-args
 * Turns `npm run test:kv-storage -- [args]` into Vitest arguments and environment: the `suites`
 * project on both backends unless `--backend` (or `--project memory|kv`) names them
 * (SUITE_BACKENDS), `--url <u>` for a running Worker (TARGET_URL),
 * `--wrangler-dev [--wrangler-port <n>]` to start real `wrangler dev` as the target,
 * `--consistency-window <seconds>` for how long eventually consistent checks may poll,
 * `--mutant <name>` for a broken variant (HARNESS_MUTANT); everything else goes to Vitest as is.
 */
import { ProjectError } from "../../lib/project-error.js";

/** The backends the suites run on, in the order a file runs them. */
export const SUITE_BACKENDS = ["memory", "kv"] as const;
export type SuiteBackend = (typeof SUITE_BACKENDS)[number];

/** The Vitest project of the six suites (each file runs once per backend). */
export const SUITES_PROJECT = "suites";

export interface KvStorageRun {
  args: string[];
  env: Record<string, string>;
  /** The user named the backends; otherwise both run, or the one a URL serves. */
  backendsGiven: boolean;
  /** Start `wrangler dev` and run against it. */
  wranglerDev?: { port?: number };
}

export class KvStorageArgsError extends ProjectError<"BAD_ARGS"> {
  constructor(message: string) {
    super("BAD_ARGS", message);
  }
}

/** The catalog's name for `name`; the catalog loads only when a mutant is asked for (0.5 s). */
async function mutantName(name: string): Promise<string> {
  const { getMutant, UnknownMutantError } = await import("../../mutants/index.js");
  try {
    return getMutant(name).name;
  } catch (error) {
    if (error instanceof UnknownMutantError) throw new KvStorageArgsError(error.message);
    throw error;
  }
}

export async function parseKvStorageArgs(argv: string[]): Promise<KvStorageRun> {
  const args: string[] = [];
  const env: Record<string, string> = {};
  const backends: SuiteBackend[] = [];
  let wranglerDev: { port?: number } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new KvStorageArgsError(`${flag} needs a value`);
      return v;
    };
    const number = (min: number) => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) {
        throw new KvStorageArgsError(`${flag} needs a number >= ${min}, got ${JSON.stringify(v)}`);
      }
      return n;
    };
    if (flag === "--url") env.TARGET_URL = value();
    else if (flag === "--mutant") env.HARNESS_MUTANT = value();
    else if (flag === "--wrangler-dev") wranglerDev ??= {};
    else if (flag === "--wrangler-port") wranglerDev = { port: number(1) };
    else if (flag === "--consistency-window")
      env.TARGET_CONSISTENCY_WINDOW_MS = String(Math.round(number(0) * 1000));
    // `--project kv` from before the backends shared one project: the same as `--backend kv`.
    else if (flag === "--backend" || flag === "--project") {
      const name = value();
      if (!SUITE_BACKENDS.includes(name as SuiteBackend)) {
        throw new KvStorageArgsError(
          `${flag} ${name}: the suites run on ${SUITE_BACKENDS.join(" and ")}; name one of them`,
        );
      }
      if (!backends.includes(name as SuiteBackend)) backends.push(name as SuiteBackend);
    } else args.push(arg);
  }
  if (backends.length > 0) env.SUITE_BACKENDS = onlyBackends(backends);
  if (env.HARNESS_MUTANT !== undefined) env.HARNESS_MUTANT = await mutantName(env.HARNESS_MUTANT);
  if (wranglerDev && env.TARGET_URL) {
    throw new KvStorageArgsError("--url and --wrangler-dev name two targets: give one");
  }
  // One running Worker, one store: suite files must take turns.
  const serial =
    wranglerDev || env.TARGET_URL || process.env.TARGET_URL ? ["--no-file-parallelism"] : [];
  return {
    args: ["--project", SUITES_PROJECT, ...serial, ...args],
    env,
    backendsGiven: backends.length > 0,
    ...(wranglerDev ? { wranglerDev } : {}),
  };
}

/** The backends SUITE_BACKENDS names (`kv`, `memory,kv`); both when it is unset or empty. */
export function suiteBackendsFrom(value: string | undefined): SuiteBackend[] {
  if (!value?.trim()) return [...SUITE_BACKENDS];
  const names = value.split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !SUITE_BACKENDS.includes(n as SuiteBackend));
  if (unknown.length > 0) {
    throw new KvStorageArgsError(
      `SUITE_BACKENDS=${value}: ${unknown.join(", ")} is no backend; name ${SUITE_BACKENDS.join(" and/or ")}, comma-separated`,
    );
  }
  return SUITE_BACKENDS.filter((b) => names.includes(b));
}

/** SUITE_BACKENDS for `backends`, in the order a suite file runs them. */
export function onlyBackends(backends: readonly SuiteBackend[]): string {
  return SUITE_BACKENDS.filter((b) => backends.includes(b)).join(",");
}
