/**
 * @module scripts/ci/kv-storage-args
 * Turns `npm run test:kv-storage -- [args]` into Vitest arguments and environment: both suite
 * projects unless `--project` is given, `--url <u>` for a running Worker (TARGET_URL),
 * `--wrangler-dev [--wrangler-port <n>]` to start real `wrangler dev` as the target,
 * `--consistency-window <seconds>` for how long eventually consistent checks may poll,
 * `--mutant <name>` for a broken variant (HARNESS_MUTANT); everything else goes to Vitest as is.
 */
import { ProjectError } from "../../lib/project-error.js";

export const SUITE_PROJECTS = ["memory", "kv"] as const;

export interface KvStorageRun {
  args: string[];
  env: Record<string, string>;
  /** The user named the projects (`--project`); otherwise both run, or the one a URL serves. */
  projectsGiven: boolean;
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
  let projectsGiven = false;
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
    else {
      if (flag === "--project") projectsGiven = true;
      args.push(arg);
    }
  }
  if (env.HARNESS_MUTANT !== undefined) env.HARNESS_MUTANT = await mutantName(env.HARNESS_MUTANT);
  if (wranglerDev && env.TARGET_URL) {
    throw new KvStorageArgsError("--url and --wrangler-dev name two targets: give one");
  }
  const projects = projectsGiven ? [] : SUITE_PROJECTS.flatMap((p) => ["--project", p]);
  // One running Worker, one store: suite files must take turns.
  const serial =
    wranglerDev || env.TARGET_URL || process.env.TARGET_URL ? ["--no-file-parallelism"] : [];
  return {
    args: [...projects, ...serial, ...args],
    env,
    projectsGiven,
    ...(wranglerDev ? { wranglerDev } : {}),
  };
}

/** `args` with the default projects narrowed to `project`. */
export function onlyProject(args: string[], project: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--project" && SUITE_PROJECTS.includes(args[i + 1] as never)) {
      if (args[i + 1] === project) out.push("--project", project);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}
