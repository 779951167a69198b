/** @module Finds and runs the wrangler executable, capturing its output. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { SetupKvError } from "./errors.js";

/** Result of one wrangler run: exit status and everything it printed. */
export interface WranglerResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs wrangler with the given arguments (injectable so tests can run the flow in-process). */
export type RunWrangler = (args: string[]) => Promise<WranglerResult>;

/**
 * Picks the wrangler command: `--wrangler`, else `$WRANGLER`, else the project's
 * `node_modules/.bin/wrangler`, else `wrangler` on PATH. A value that is not an existing file is split
 * on spaces, so `--wrangler "npx wrangler"` works.
 */
export function resolveWranglerCommand(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string[] {
  const chosen = option ?? env.WRANGLER;
  if (chosen) return existsSync(chosen) ? [chosen] : chosen.trim().split(/\s+/);
  const local = path.join(
    cwd,
    "node_modules",
    ".bin",
    process.platform === "win32" ? "wrangler.cmd" : "wrangler",
  );
  return [existsSync(local) ? local : "wrangler"];
}

/** Spawns `command args`; a missing executable becomes WRANGLER_NOT_INSTALLED. */
export function createWranglerRunner(
  command: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): RunWrangler {
  const [file, ...prefix] = command;
  if (!file) throw new Error("empty wrangler command");
  return (args) =>
    new Promise((resolve, reject) => {
      // Windows needs a shell to run `wrangler.cmd`; stdin is closed so wrangler never waits on a prompt.
      const child = spawn(file, [...prefix, ...args], {
        cwd: options.cwd,
        env: options.env,
        shell: process.platform === "win32",
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT" || error.code === "EACCES"
            ? notInstalled(command.join(" "))
            : new SetupKvError(
                "WRANGLER_FAILED",
                `Could not start \`${command.join(" ")}\`: ${error.message}`,
              ),
        );
      });
      child.on("close", (status) => {
        // A shell reports a missing command as 127 (sh) or 9009 (cmd.exe).
        if ((status === 127 || status === 9009) && /not found|not recognized/i.test(stderr)) {
          reject(notInstalled(command.join(" ")));
        } else {
          resolve({ status: status ?? 1, stdout, stderr });
        }
      });
    });
}

const notInstalled = (command: string) =>
  new SetupKvError(
    "WRANGLER_NOT_INSTALLED",
    `Wrangler was not found (tried \`${command}\`). Install the project's pinned copy with \`npm install\` ` +
      `(it provides node_modules/.bin/wrangler), or install wrangler 4 globally with \`npm install -g wrangler@4\`, ` +
      `or point this script at it with --wrangler <path> or the WRANGLER environment variable.`,
  );
