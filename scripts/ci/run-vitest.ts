/**
 * @module scripts/ci/run-vitest
 * Runs the project's own Vitest CLI as a child process (same Node, inherited stdio unless told
 * otherwise) and resolves with its exit code, so CI scripts can compose runs.
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export const ROOT = path.join(import.meta.dirname, "../../");
const VITEST = path.join(import.meta.dirname, "../../node_modules/vitest/vitest.mjs");

export interface VitestRun {
  args: string[];
  env?: Record<string, string | undefined>;
  /** Discard the child's output (the caller reads a report file instead). */
  quiet?: boolean;
  /** Write the child's output to this file instead of this terminal. */
  logFile?: string;
}

/** Runs `command args` in the project root with one of the output modes above; its exit code. */
export function runCommand(
  command: string,
  args: string[],
  { env = {}, quiet = false, logFile }: Omit<VitestRun, "args"> = {},
): Promise<number> {
  const log = logFile ? openSync(logFile, "a") : undefined;
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: log !== undefined ? ["ignore", log, log] : quiet ? "ignore" : "inherit",
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true", ...env },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  }).finally(() => {
    if (log !== undefined) closeSync(log);
  });
}

export function runVitest({ args, ...options }: VitestRun): Promise<number> {
  return runCommand(process.execPath, [VITEST, "run", ...args], options);
}
