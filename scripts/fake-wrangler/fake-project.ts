/** @module Test helper: a temp project with a wrangler.jsonc and the fake wrangler wired to a state file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Folder holding the `wrangler` shim; put it first on PATH. */
export const FAKE_WRANGLER_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The shim itself, for `--wrangler <path>`. */
export const FAKE_WRANGLER_BIN = path.join(FAKE_WRANGLER_DIR, "wrangler");

/** What the fake account holds and how it misbehaves (see fake-wrangler.mjs). */
export interface FakeWranglerState {
  /** The Node version wrangler runs on, refused as too old (wrangler 4 needs 22.12+). */
  nodeVersion?: string;
  loggedIn: boolean;
  /** OAuth scopes reported by `whoami --json`; omitted means an API token (no scopes reported). */
  tokenPermissions?: string[];
  /** false: KV calls fail with "Authentication error [code: 10000]". */
  kvPermission: boolean;
  namespaces: { id: string; title: string }[];
  /** false: R2 calls fail with "Authentication error [code: 10000]". */
  r2Permission?: boolean;
  /** R2 buckets and their lifecycle rules, in the R2 API's shape (`id`, `conditions`, ...). */
  buckets?: { name: string; rules: unknown[] }[];
  /** Text printed (exit 0) instead of the real answer (`lifecycle`: `r2 bucket lifecycle list`). */
  garbage?: { whoami?: string; list?: string; create?: string; lifecycle?: string };
}

export interface FakeProject {
  dir: string;
  configPath: string;
  /** Env for the script: fake state and log paths, and the fake first on PATH. */
  env: NodeJS.ProcessEnv;
  /** Every wrangler invocation so far, as argv arrays. */
  calls(): string[][];
  state(): FakeWranglerState;
  config(): string;
  dispose(): void;
}

/** Creates a temp project holding `configText` as wrangler.jsonc and a fake wrangler with `state`. */
export function createFakeProject(
  configText: string,
  state: Partial<FakeWranglerState> = {},
): FakeProject {
  const dir = mkdtempSync(path.join(tmpdir(), "setup-kv-"));
  const configPath = path.join(dir, "wrangler.jsonc");
  const statePath = path.join(dir, "fake-wrangler-state.json");
  const logPath = path.join(dir, "fake-wrangler-calls.jsonl");
  writeFileSync(configPath, configText);
  writeFileSync(
    statePath,
    JSON.stringify({ loggedIn: true, kvPermission: true, namespaces: [], ...state }),
  );
  writeFileSync(logPath, "");
  return {
    dir,
    configPath,
    env: {
      ...process.env,
      PATH: `${FAKE_WRANGLER_DIR}${path.delimiter}${process.env.PATH ?? ""}`,
      FAKE_WRANGLER_STATE: statePath,
      FAKE_WRANGLER_LOG: logPath,
      WRANGLER: undefined,
    },
    calls: () =>
      readFileSync(logPath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    state: () => JSON.parse(readFileSync(statePath, "utf8")) as FakeWranglerState,
    config: () => readFileSync(configPath, "utf8"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
