import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./plain-miniflare.js";
import { resolveCommit, withWorktree } from "./worktree.js";

const worktrees = () => execFileSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" });

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("withWorktree", () => {
  it("runs in a checkout of the commit with this checkout's node_modules, then removes it", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-worktree-test-"));
    const head = resolveCommit(ROOT, "HEAD");
    const seen = await withWorktree(ROOT, "HEAD", dir, async (checkout) => ({
      head: execFileSync("git", ["rev-parse", "HEAD"], { cwd: checkout, encoding: "utf8" }).trim(),
      pkg: readFileSync(path.join(checkout, "package.json"), "utf8"),
      modules: existsSync(path.join(checkout, "node_modules", "vitest")),
      listed: worktrees().includes(checkout),
    }));
    expect(seen).toEqual({
      head,
      pkg: readFileSync(path.join(ROOT, "package.json"), "utf8"),
      modules: true,
      listed: true,
    });
    expect(existsSync(dir)).toBe(false);
    expect(worktrees()).not.toContain(dir);
  });

  it("refuses a name that is no commit, naming the option", () => {
    expect(() => resolveCommit(ROOT, "no-such-commit-x")).toThrow(
      /--suites-baseline: .*names no commit/,
    );
  });
});
