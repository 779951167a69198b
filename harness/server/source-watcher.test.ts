import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SourceWatcher, watchSources } from "./source-watcher.js";

let dir: string;
let watcher: SourceWatcher | undefined;

afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(onChange: (files: string[]) => Promise<void>): void {
  dir = mkdtempSync(path.join(tmpdir(), "watch-src-"));
  mkdirSync(path.join(dir, "routes"));
  watcher = watchSources({ dir, debounceMs: 200, onChange });
}

describe("watchSources", () => {
  it("reports a burst of saves, in nested folders too, as one change", async () => {
    const calls: string[][] = [];
    setup(async (files) => void calls.push(files));
    writeFileSync(path.join(dir, "index.ts"), "export {};");
    writeFileSync(path.join(dir, "routes", "share.ts"), "export {};");
    writeFileSync(path.join(dir, "index.ts"), "export const a = 1;");
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual(["index.ts", path.join("routes", "share.ts")]);
  });

  it("ignores tests and editor files, which do not change the Worker", async () => {
    const calls: string[][] = [];
    setup(async (files) => void calls.push(files));
    writeFileSync(path.join(dir, "index.test.ts"), "");
    writeFileSync(path.join(dir, ".index.ts.swp"), "");
    writeFileSync(path.join(dir, "app.ts"), "");
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual(["app.ts"]);
  });

  it("never runs two rebuilds at once, and keeps watching after a failed one", async () => {
    let active = 0;
    let maxActive = 0;
    const calls: string[][] = [];
    const errors: unknown[] = [];
    dir = mkdtempSync(path.join(tmpdir(), "watch-src-"));
    let release: () => void = () => {};
    watcher = watchSources({
      dir,
      debounceMs: 20,
      onChange: async (files) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        calls.push(files);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        active -= 1;
        if (calls.length === 1) throw new Error("syntax error");
      },
      onError: (err) => errors.push(err),
    });
    writeFileSync(path.join(dir, "a.ts"), "");
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    writeFileSync(path.join(dir, "b.ts"), "");
    // b.ts arrives during the first rebuild: it must wait for it, then run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toHaveLength(1);
    release();
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toEqual(["b.ts"]);
    expect(maxActive).toBe(1);
    expect(errors).toEqual([new Error("syntax error")]);
  });
});
