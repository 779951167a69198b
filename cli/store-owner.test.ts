import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimStore, OWNER_FILE, StoreBusyError, storeOwner } from "./store-owner.js";

let dir: string;
const ownerFile = () => path.join(dir, OWNER_FILE);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "store-owner-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited (and been reaped), so nobody owns it. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("claimStore", () => {
  it("holds the store until released, and says who holds it", () => {
    const claim = claimStore(dir, "dev");
    claim.setUrl("http://127.0.0.1:8787");
    expect(storeOwner(dir)).toMatchObject({
      pid: process.pid,
      command: "dev",
      url: "http://127.0.0.1:8787",
    });
    claim.release();
    expect(existsSync(ownerFile())).toBe(false);
    expect(storeOwner(dir)).toBeUndefined();
  });

  it("refuses a store a live process holds, naming it", () => {
    // PID 1 is always alive; a claim by it stands for another running dev server.
    writeFileSync(
      ownerFile(),
      JSON.stringify({ pid: 1, command: "dev", url: "http://127.0.0.1:8790", startedAt: "x" }),
    );
    let error: unknown;
    try {
      claimStore(dir, "seed");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreBusyError);
    expect((error as Error).message).toBe(
      `npm run dev (pid 1, http://127.0.0.1:8790) is using ${dir}`,
    );
    expect(JSON.parse(readFileSync(ownerFile(), "utf8"))).toMatchObject({ pid: 1 });
  });

  it("takes over a claim whose process is gone, or that is unreadable", () => {
    writeFileSync(ownerFile(), JSON.stringify({ pid: deadPid(), command: "dev", startedAt: "x" }));
    expect(storeOwner(dir)).toBeUndefined();
    const claim = claimStore(dir, "seed");
    expect(storeOwner(dir)).toMatchObject({ pid: process.pid, command: "seed" });
    claim.release();

    writeFileSync(ownerFile(), "{ half-written");
    claimStore(dir, "dev").release();
    expect(existsSync(ownerFile())).toBe(false);
  });

  it("never removes a claim another process has taken since", () => {
    const claim = claimStore(dir, "dev");
    writeFileSync(ownerFile(), JSON.stringify({ pid: 1, command: "seed", startedAt: "x" }));
    claim.setUrl("http://127.0.0.1:1");
    claim.release();
    expect(JSON.parse(readFileSync(ownerFile(), "utf8"))).toEqual({
      pid: 1,
      command: "seed",
      startedAt: "x",
    });
  });
});
