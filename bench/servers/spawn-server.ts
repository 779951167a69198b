/**
 * @module bench/servers/spawn-server
 * Starts a server script as a child Node process (so load comes from another process and its
 * memory can be read on its own) and waits for the URL it prints.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { workerdChildren } from "../../harness/node/runtime.js";
import { BenchError } from "../errors.js";
import { ROOT } from "../plain-miniflare.js";

export interface ChildServer {
  pid: number;
  url: string;
  /** Resident set size in bytes: the Node process plus its workerd children. */
  rss(): number;
  stop(): Promise<void>;
}

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+/;

function vmRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * @example const dev = await spawnServer("cli/dev.ts", ["--port", "0", "--no-watch"]);
 */
export async function spawnServer(script: string, args: string[], timeoutMs = 120_000) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new BenchError("SERVER_FAILED", `${script} printed no URL in ${timeoutMs} ms:\n${output}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_PATTERN.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new BenchError("SERVER_FAILED", `${script} exited with ${code}:\n${output}`));
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  const pid = child.pid!;
  return {
    pid,
    url,
    rss: () => [pid, ...workerdChildren(pid)].reduce((sum, p) => sum + vmRssBytes(p), 0),
    async stop() {
      child.kill("SIGTERM");
      if (!(await waitForExit(child, 15_000))) {
        for (const p of workerdChildren(pid)) process.kill(p, "SIGKILL");
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      }
    },
  } satisfies ChildServer;
}
