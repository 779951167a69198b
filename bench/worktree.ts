/**
 * @module bench/worktree
 * A temporary checkout of one commit beside this one (`git worktree add --detach`) for a baseline
 * run in the same bench run. It shares this checkout's `node_modules` (a baseline with other
 * dependencies is measured with these), and is removed with its git metadata afterwards.
 */
import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import path from "node:path";
import { BenchError } from "./errors.js";

const git = (root: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The full hash `commit` names in the repository at `root`. */
export function resolveCommit(root: string, commit: string): string {
  try {
    return git(root, "rev-parse", "--verify", "--end-of-options", `${commit}^{commit}`).trim();
  } catch {
    throw new BenchError(
      "BAD_OPTION",
      `--suites-baseline: ${JSON.stringify(commit)} names no commit`,
    );
  }
}

/** Runs `fn` in a checkout of `commit` at `dir` (an empty folder), then removes the checkout. */
export async function withWorktree<T>(
  root: string,
  commit: string,
  dir: string,
  fn: (checkout: string) => Promise<T>,
): Promise<T> {
  git(root, "worktree", "add", "--detach", "--quiet", dir, resolveCommit(root, commit));
  try {
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    return await fn(dir);
  } finally {
    git(root, "worktree", "remove", "--force", dir);
  }
}
