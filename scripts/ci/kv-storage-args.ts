/**
 * @module scripts/ci/kv-storage-args
 * Turns `npm run test:kv-storage -- [args]` into Vitest arguments and environment: both suite
 * projects unless `--project` is given, `--url <u>` for a running Worker (TARGET_URL),
 * `--mutant <name>` for a broken variant (HARNESS_MUTANT); everything else goes to Vitest as is.
 */
import { getMutant } from "../../mutants/index";

export const SUITE_PROJECTS = ["memory", "kv"] as const;

export interface KvStorageRun {
  args: string[];
  env: Record<string, string>;
}

export class KvStorageArgsError extends Error {
  readonly code = "BAD_ARGS";
}

export function parseKvStorageArgs(argv: string[]): KvStorageRun {
  const args: string[] = [];
  const env: Record<string, string> = {};
  let projectGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new KvStorageArgsError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--url") env.TARGET_URL = value();
    else if (flag === "--mutant") env.HARNESS_MUTANT = getMutant(value()).name;
    else {
      if (flag === "--project") projectGiven = true;
      args.push(arg);
    }
  }
  const projects = projectGiven ? [] : SUITE_PROJECTS.flatMap((p) => ["--project", p]);
  // One running Worker, one store: suite files must take turns, each resetting it first.
  const serial = env.TARGET_URL || process.env.TARGET_URL ? ["--no-file-parallelism"] : [];
  return { args: [...projects, ...serial, ...args], env };
}
