/**
 * @module cli/dev-config
 * What a dev session boots with once the flags are parsed: the Worker's vars (`.dev.vars` or
 * `.env`, then `--var`), the backend (`--backend`, else a STORAGE_BACKEND var, else kv) and which
 * of those vars are secrets (kept out of recorded fixtures).
 */
import path from "node:path";
import { readWorkerConfig } from "../harness/node/config.js";
import type { Backend } from "../harness/share/options.js";
import { CliError } from "./cli-error.js";
import type { DevOptions } from "./dev-options.js";
import { devVarsWithOverrides, loadDevVars, type VarSource } from "./dev-vars.js";

/** The project root: where wrangler.jsonc, `.dev.vars` and `.env` live. */
export const PROJECT_ROOT = path.join(import.meta.dirname, "../");

export interface DevConfig {
  backend: Backend;
  /** Vars beyond wrangler.jsonc's, for `createShareHarness({ vars })`. */
  vars: Record<string, string>;
  sources: VarSource[];
  /**
   * Names whose values must never be written down: those wrangler.jsonc does not declare as public
   * `vars` (ADMIN_TOKEN). Overrides of declared vars (KV_WRITE_FALLBACK=memory) are config.
   */
  secrets: string[];
}

function backendOf(value: string, from: string): Backend {
  if (value === "memory") return "memory";
  if (value === "kv" || value === "auto") return "kv";
  throw new CliError(
    "USAGE",
    `STORAGE_BACKEND=${JSON.stringify(value)} from ${from} is not kv, memory or auto.`,
  );
}

/**
 * @example resolveDevConfig(parseDevArgs(["--var", "ADMIN_TOKEN=dev"])).secrets // ["ADMIN_TOKEN"]
 */
export function resolveDevConfig(options: DevOptions, root = PROJECT_ROOT): DevConfig {
  const loaded = loadDevVars({
    root,
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.envFiles ? { envFiles: options.envFiles } : {}),
  });
  const { vars, sources } = devVarsWithOverrides(loaded, options.vars);
  let backend = options.backend;
  const chosen = vars.STORAGE_BACKEND;
  if (chosen !== undefined && chosen !== "") {
    const from = sources.find((s) => s.name === "STORAGE_BACKEND")?.from ?? "--var";
    const fromVars = backendOf(chosen, from);
    if (!options.backendFromFlag) backend = fromVars;
    else if (fromVars !== backend) {
      throw new CliError(
        "USAGE",
        `--backend ${backend} contradicts STORAGE_BACKEND=${chosen} from ${from}. Drop one of them.`,
      );
    }
  }
  if (options.seedShares > 0 && backend === "memory") {
    throw new CliError(
      "USAGE",
      "--seed-shares writes to the KV store, which the memory backend does not read. " +
        "Drop --seed-shares, or use the kv backend.",
    );
  }
  if (options.fixture && backend === "memory") {
    throw new CliError(
      "USAGE",
      "--fixture loads into the KV store, which the memory backend does not read. " +
        "Drop --fixture, or use the kv backend.",
    );
  }
  const publicVars = readWorkerConfig(path.join(root, "wrangler.jsonc")).vars;
  const secrets = Object.keys(vars).filter((name) => !(name in publicVars));
  return { backend, vars, sources, secrets };
}
