/**
 * @module scripts/ci/run-vitest
 * Runs the project's own Vitest CLI as a child process (same Node, inherited stdio unless told
 * otherwise) and resolves with its exit code, so CI scripts can compose runs.
 */
import path from "node:path";
import { spawn } from "node:child_process";

export const ROOT = path.join(import.meta.dirname, "../../");
const VITEST = path.join(import.meta.dirname, "../../node_modules/vitest/vitest.mjs");

export interface VitestRun {
  args: string[];
  env?: Record<string, string | undefined>;
  /** Discard the child's output (the caller reads a report file instead). */
  quiet?: boolean;
}

export function runVitest({ args, env = {}, quiet = false }: VitestRun): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, "run", ...args], {
      cwd: ROOT,
      stdio: quiet ? "ignore" : "inherit",
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true", ...env },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
