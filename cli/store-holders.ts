/**
 * @module cli/store-holders
 * Other processes with files of a store open: how `npm run dev` and `npm run seed` notice a
 * `wrangler dev` (its workerd) on the same `--persist-to` folder, which writes no claim of ours.
 * Read from Linux's /proc (each process's open file descriptors), for processes of this user;
 * elsewhere there is no such list without extra tools, and the answer is `undefined` (not checked).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";

export interface StoreHolder {
  pid: number;
  /** Its command line, shortened. */
  command: string;
}

const MAX_COMMAND = 160;

function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const text = argv.join(" ");
    return text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
  } catch {
    return "?";
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Processes other than this one holding a file under `<dir>/v3` (where workerd keeps KV, R2 and
 * Durable Object databases) open; `undefined` where /proc cannot tell (not Linux).
 * @example processesHoldingStore(".wrangler/state") // [{ pid: 4242, command: "/…/workerd serve …" }]
 */
export function processesHoldingStore(dir: string): StoreHolder[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  const root = path.join(path.resolve(dir), "v3") + path.sep;
  const holders: StoreHolder[] = [];
  for (const entry of pids) {
    const pid = Number(entry);
    // This process and its children (the workerd of a harness it runs) are not "another" holder.
    if (pid === process.pid || parentOf(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(root);
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid, command: commandOf(pid) });
  }
  return holders;
}
