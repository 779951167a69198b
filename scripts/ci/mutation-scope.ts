/**
 * @module scripts/ci/mutation-scope
 * `npm run test:mutation -- --changed`: which files of `src/` to mutate, namely those changed
 * since the commit that last updated the committed incremental baseline. Stryker reuses every
 * other file's results from the baseline, so the run stays short enough for CI.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** Source files Stryker mutates (`stryker.config.json` `mutate`): `src/`, not tests or test support. */
export function isMutatedSource(file: string): boolean {
  return (
    file.startsWith("src/") &&
    file.endsWith(".ts") &&
    !file.endsWith(".test.ts") &&
    !file.startsWith("src/testing/")
  );
}

const git = (root: string, args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

export interface ChangedScope {
  /** The commit that last changed the baseline file, or undefined when it was never committed. */
  baseline: string | undefined;
  /** Mutated source files that differ from the baseline commit (existing files only). */
  files: string[];
}

/** The mutated sources changed (committed or not) since `baselineFile` was last committed. */
export function changedSinceBaseline(root: string, baselineFile: string): ChangedScope {
  const baseline = git(root, ["log", "-1", "--format=%H", "--", baselineFile]) || undefined;
  if (!baseline) return { baseline, files: [] };
  const changed = git(root, ["diff", "--name-only", baseline, "--", "src"]).split("\n");
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard", "--", "src"]).split(
    "\n",
  );
  const files = [...new Set([...changed, ...untracked])]
    .filter((f) => f && isMutatedSource(f) && existsSync(path.join(root, f)))
    .sort();
  return { baseline, files };
}
