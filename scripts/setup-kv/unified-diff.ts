/** @module A unified diff (3 lines of context, `a/` and `b/` paths) for showing config changes in --dry-run. */
import { createTwoFilesPatch } from "diff";

/** Unified diff of two texts, or "" when they are equal. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return "";
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, "", "", { context });
  // Drop the "====" separator line and the empty header tabs `diff` adds; keep diff(1)'s shape.
  return patch
    .split("\n")
    .filter((line) => !/^={10,}$/.test(line))
    .map((line) => line.replace(/^(---|\+\+\+) (.*?)\t$/, "$1 $2"))
    .join("\n");
}
