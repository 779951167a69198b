/**
 * Another process with a store's files open (what a `wrangler dev` on the same folder is) is seen,
 * and `npm run dev`/`seed` refuse the store; this process and its own children are not "another".
 * The holder is a real separate process keeping a real file under `<dir>/v3` open.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { processesHoldingStore } from "./store-holders.js";
import { claimStore, OWNER_FILE } from "./store-owner.js";

let dir: string | undefined;
let holder: ChildProcess | undefined;
afterEach(async () => {
  if (holder?.pid && holder.exitCode === null) {
    const exited = new Promise((resolve) => holder!.once("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
  }
  holder = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A detached process (not our child's child) that opens `file` and waits. */
async function holdOpen(file: string): Promise<number> {
  holder = spawn(
    process.execPath,
    [
      "-e",
      `require("fs").openSync(${JSON.stringify(file)}, "r"); console.log("open"); setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    holder!.stdout!.once("data", () => resolve());
    holder!.once("exit", (code) => reject(new Error(`holder exited ${code}`)));
  });
  return holder.pid!;
}

describe.runIf(process.platform === "linux")("processesHoldingStore", () => {
  it("sees nothing in an unused store, and does not count this process's own children", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "store-holders-"));
    mkdirSync(path.join(dir, "v3", "kv"), { recursive: true });
    const file = path.join(dir, "v3", "kv", "db.sqlite");
    writeFileSync(file, "");
    expect(processesHoldingStore(dir)).toEqual([]);
    // Our own child: a harness's workerd is this process's, not another runtime.
    await holdOpen(file);
    expect(processesHoldingStore(dir)).toEqual([]);
  });

  it("claimStore refuses a store another process holds open, and leaves no claim", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "store-holders-"));
    mkdirSync(path.join(dir, "v3", "kv"), { recursive: true });
    const file = path.join(dir, "v3", "kv", "db.sqlite");
    writeFileSync(file, "");
    // A grandchild through `sh`, so its parent is not this process (as a wrangler dev's workerd).
    holder = spawn(
      "sh",
      [
        "-c",
        `${JSON.stringify(process.execPath)} -e 'require("fs").openSync(process.argv[1], "r"); console.log(process.pid); setInterval(() => {}, 1000)' ${JSON.stringify(file)} & wait`,
      ],
      { stdio: ["ignore", "pipe", "inherit"], detached: true },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      holder!.stdout!.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
      holder!.once("exit", (code) => reject(new Error(`holder exited ${code}`)));
    });
    try {
      expect(processesHoldingStore(dir)?.map((h) => h.pid)).toEqual([pid]);
      let error: unknown;
      try {
        claimStore(dir, "dev");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: "STORE_IN_USE" });
      expect((error as Error).message).toContain(`pid ${pid}`);
      expect((error as Error).message).toContain("wrangler dev");
      expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
    } finally {
      process.kill(-holder.pid!, "SIGKILL");
    }
  });
});
