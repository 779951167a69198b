/**
 * @module cli/dev-options
 * The flags of `npm run dev`, parsed and checked before anything boots.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { Backend } from "../harness/share/options.js";
import type { KvProfile, RateLimitOverride } from "../harness/types.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "../harness/server/listen-address.js";
import type { IsolateStrategy } from "../harness/server/isolate-picker.js";
import { CliError } from "./cli-error.js";
import { createProgram } from "../lib/program.js";
import { integerIn, keyValue, oneOf, parseArgv } from "./parse-argv.js";

export const DEV_HELP_HINT = "npm run dev -- --help";
export const MAX_ISOLATES = 16;

export interface DevOptions {
  port: number;
  host: string;
  persistTo: string;
  backend: Backend;
  isolates: number;
  profile: KvProfile;
  /** Shares to seed when the store is empty; 0 seeds nothing. */
  seedShares: number;
  /** Faker seed for `seedShares`. */
  seed: number;
  /** `--var` flags only; `.dev.vars`/`.env` are read when the session starts (`dev-vars.ts`). */
  vars: Record<string, string>;
  /** True when `--backend` was given, so it wins over a STORAGE_BACKEND from the var files. */
  backendFromFlag: boolean;
  /** `--env`: picks `.dev.vars.<env>` / `.env.<env>` as `wrangler dev --env` does. */
  env?: string;
  /** `--env-file`: read these instead of `.dev.vars` and the default `.env` files. */
  envFiles?: string[];
  isolateStrategy: IsolateStrategy;
  watch: boolean;
  logs: boolean;
  /** Record the session into this fixture file (written on Ctrl-C). */
  record?: string;
  /** Load this fixture's snapshot into the store at start. */
  fixture?: string;
  /** Other numbers for wrangler.jsonc `ratelimits` bindings in this run (`--rate-limit`). */
  rateLimits: Record<string, RateLimitOverride>;
  /** Host names answered besides loopback names and `--host` (`--allowed-host`). */
  allowedHosts: string[];
}

/** `--rate-limit NAME=LIMIT/PERIOD`, repeatable. */
function rateLimitFlag(
  value: string,
  previous: Record<string, RateLimitOverride> = {},
): Record<string, RateLimitOverride> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)\/(10|60)$/.exec(value);
  if (!match || Number(match[2]) < 1) {
    throw new InvalidArgumentError(
      "Expected NAME=LIMIT/PERIOD with PERIOD 10 or 60, e.g. --rate-limit SHARE_CREATE_LIMITER=1000/60.",
    );
  }
  return {
    ...previous,
    [match[1]!]: { limit: Number(match[2]), period: Number(match[3]) as 10 | 60 },
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function devProgram(): Command {
  return createProgram("npm run dev --")
    .description(
      "Serve the share Worker on a local harness with persisted KV and a control API. " +
        "Reads .dev.vars (or .env) as `wrangler dev` does.",
    )
    .option(
      "--port <number>",
      "port to listen on (0: any free port)",
      integerIn(0, 65535),
      DEFAULT_PORT,
    )
    .option(
      "--host <address>",
      "address to bind; anything but loopback exposes the control API",
      DEFAULT_HOST,
    )
    .option(
      "--persist-to <dir>",
      "root of the persisted state (KV under <dir>/v3/kv)",
      ".wrangler/state",
    )
    .option(
      "--backend <kind>",
      "storage the Worker uses: kv | memory",
      oneOf(["kv", "memory"] as const),
      "kv",
    )
    .option(
      "--isolates <n>",
      "Worker isolates (locations) on one KV namespace",
      integerIn(1, MAX_ISOLATES),
      1,
    )
    .option(
      "--profile <name>",
      "KV behaviour: miniflare | production (1 write/s/key, eventual consistency)",
      oneOf(["miniflare", "production"] as const),
      "miniflare",
    )
    .option(
      "--seed-shares <n>",
      "write N faker shares when the KV store is empty",
      integerIn(0, 1_000_000),
      0,
    )
    .option("--seed <n>", "faker seed for --seed-shares", integerIn(0, 2 ** 31 - 1), 42)
    .option(
      "--var <KEY=VALUE>",
      "Worker var or secret, repeatable (e.g. ADMIN_TOKEN=dev); overrides .dev.vars and .env",
      keyValue,
    )
    .option(
      "--env <name>",
      "read .dev.vars.<name> (or .env.<name>, .env.<name>.local) as `wrangler dev --env` does",
    )
    .option(
      "--env-file <file>",
      "read this .env file instead of .dev.vars and .env, repeatable (later files win)",
      (file: string, previous: string[] = []) => [...previous, file],
    )
    .option(
      "--round-robin",
      "spread requests without x-harness-isolate over the isolates (default: isolate 0)",
    )
    .option("--no-watch", "do not rebuild and restart when src/ changes")
    .option("--no-logs", "do not echo the Worker's log lines")
    .option(
      "--record <file>",
      "record the session into a fixture (e.g. fixtures/recorded/x.json), written on Ctrl-C",
    )
    .option(
      "--fixture <file>",
      "replace the store with a fixture's snapshot at start (its times shifted to now)",
    )
    .option(
      "--rate-limit <NAME=LIMIT/PERIOD>",
      "other numbers for a wrangler.jsonc ratelimits binding in this run only, repeatable " +
        "(e.g. SHARE_CREATE_LIMITER=1000/60; what is deployed is unchanged)",
      rateLimitFlag,
    )
    .option(
      "--allowed-host <name>",
      "another Host name to answer besides loopback and --host (e.g. this machine's name), repeatable",
      collect,
    );
}

/** What `npm run dev -- --help` prints. */
export function devHelp(): string {
  return devProgram().helpInformation();
}

/**
 * Parse `npm run dev` arguments; undefined when `--help` printed the help.
 * @example parseDevArgs(["--isolates", "3", "--profile", "production"])?.isolates // 3
 */
export function parseDevArgs(argv: readonly string[]): DevOptions | undefined {
  const program = devProgram();
  const parsed = parseArgv(program, argv, DEV_HELP_HINT);
  if (!parsed) return undefined;
  const raw = parsed as Omit<
    DevOptions,
    "isolateStrategy" | "vars" | "backendFromFlag" | "envFiles" | "rateLimits" | "allowedHosts"
  > & {
    roundRobin?: boolean;
    var?: Record<string, string>;
    envFile?: string[];
    rateLimit?: Record<string, RateLimitOverride>;
    allowedHost?: string[];
  };
  if (raw.persistTo.trim() === "") {
    throw new CliError(
      "USAGE",
      `--persist-to needs a directory, e.g. --persist-to .wrangler/state.`,
    );
  }
  const {
    roundRobin,
    var: vars = {},
    envFile,
    rateLimit: rateLimits = {},
    allowedHost: allowedHosts = [],
    ...options
  } = raw;
  return {
    ...options,
    ...(envFile ? { envFiles: envFile } : {}),
    vars,
    rateLimits,
    allowedHosts,
    backendFromFlag: program.getOptionValueSource("backend") === "cli",
    isolateStrategy: roundRobin ? "round-robin" : "first",
  };
}
