/**
 * @module cli/store-owner
 * One runtime per persisted store: `npm run dev` and `npm run seed` each claim the store folder
 * with `<dir>/harness-owner.json` (pid, command, and the dev server's URL once it listens) and
 * release it when they stop. Two workerd processes on one SQLite store would lose writes; a claim
 * whose process is gone (killed) is stale and taken over. A process that holds the store's files
 * open without a claim (a `wrangler dev` on the same folder) is refused too, where the OS can tell
 * (store-holders.ts).
 */
import { ProjectError } from "../lib/project-error.js";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CliError } from "./cli-error.js";
import { processesHoldingStore } from "./store-holders.js";

export const OWNER_FILE = "harness-owner.json";

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  command: z.enum(["dev", "seed"]),
  /** The dev server's base URL, once it listens. */
  url: z.string().optional(),
  startedAt: z.string(),
});

export type StoreOwner = z.infer<typeof ownerSchema>;

export interface StoreClaim {
  readonly file: string;
  /** Record the URL the dev server listens on, so `npm run seed` can go through it. */
  setUrl(url: string): void;
  /** Give the store up (only if this process still holds it). Safe to call twice. */
  release(): void;
}

/** Thrown by `claimStore` when a live process holds the store. */
export class StoreBusyError extends ProjectError<"STORE_IN_USE"> {
  constructor(
    readonly dir: string,
    readonly owner: StoreOwner,
  ) {
    super("STORE_IN_USE", `${describeOwner(owner)} is using ${dir}`);
  }
}

/** `npm run dev (pid 123, http://127.0.0.1:8787)` */
export function describeOwner(owner: StoreOwner): string {
  return `npm run ${owner.command} (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ""})`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): StoreOwner | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return ownerSchema.parse(JSON.parse(text));
  } catch {
    // Half-written or edited by hand: nobody can be reached through it.
    return undefined;
  }
}

/** The live process holding `dir`, if any (a stale or unreadable claim counts as none). */
export function storeOwner(dir: string): StoreOwner | undefined {
  const owner = readOwner(path.join(dir, OWNER_FILE));
  return owner && alive(owner.pid) ? owner : undefined;
}

/**
 * Claim `dir` for this process, or throw StoreBusyError naming the process that holds it.
 * @example const claim = claimStore(".wrangler/state", "dev"); ...; claim.release();
 */
export function claimStore(dir: string, command: StoreOwner["command"]): StoreClaim {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, OWNER_FILE);
  let owner: StoreOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(owner, null, 2)}\n`, { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const current = readOwner(file);
      if (current && alive(current.pid) && current.pid !== process.pid) {
        throw new StoreBusyError(dir, current);
      }
      // Stale: its process is gone. Remove it and take the store (once; a race loses to the winner).
      if (attempt > 0) throw new StoreBusyError(dir, current ?? owner);
      rmSync(file, { force: true });
    }
  }
  const others = processesHoldingStore(dir) ?? [];
  if (others.length > 0) {
    rmSync(file, { force: true });
    throw new CliError(
      "STORE_IN_USE",
      `${dir} is open in another process that is not npm run dev or seed (a \`wrangler dev\` on the ` +
        `same folder, most likely): ${others.map((o) => `pid ${o.pid} ${o.command}`).join("; ")}. ` +
        `Two runtimes on one store lose writes. Stop it, or pass --persist-to <another dir>.`,
    );
  }
  let held = true;
  const mine = () => readOwner(file)?.pid === process.pid;
  return {
    file,
    setUrl(url) {
      if (!held || !mine()) return;
      owner = { ...owner, url };
      writeFileSync(file, `${JSON.stringify(owner, null, 2)}\n`);
    },
    release() {
      if (!held) return;
      held = false;
      if (mine()) rmSync(file, { force: true });
    },
  };
}
