/**
 * @module scripts/ci/mutation-scope
 * `npm run test:mutation -- --changed`: the parts of `src/` whose code differs from what the
 * committed baseline (`mutants/stryker-incremental.json`, a Stryker report that holds each file's
 * source) was computed on, as Stryker `--mutate` ranges. Only mutants on changed lines run; every
 * other result comes from the baseline, so the run is bounded by the size of the change.
 */
import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { structuredPatch } from "diff";

/** Source files Stryker mutates (`stryker.config.json` `mutate`): `src/`, not tests or test support. */
export function isMutatedSource(file: string): boolean {
  return (
    file.startsWith("src/") &&
    file.endsWith(".ts") &&
    !file.endsWith(".test.ts") &&
    !file.startsWith("src/testing/")
  );
}

/** Line ranges (1-based, inclusive) of `current` that are new or changed relative to `before`. */
export function changedLineRanges(before: string, current: string): [number, number][] {
  const patch = structuredPatch("a", "b", before, current, "", "", { context: 0 });
  return patch.hunks
    .filter((h) => h.newLines > 0)
    .map((h) => [h.newStart, h.newStart + h.newLines - 1] as [number, number]);
}

/** The mutated sources under `root` (repository-relative, `/`-separated, sorted). */
export function mutatedSources(root: string): string[] {
  return globSync("src/**/*.ts", { cwd: root })
    .map((f) => f.split(path.sep).join("/"))
    .filter(isMutatedSource)
    .sort();
}

const JUDGED = new Set(["Killed", "Survived", "Timeout"]);

export interface ChangedScope {
  /** Stryker `--mutate` entries: `file:start-end` per changed range. */
  mutate: string[];
  /** Mutated sources the baseline run did not judge (no killed, survived or timed-out mutant). */
  untested: string[];
}

/** What changed in `src/` (under `root`) since `baseline` (a parsed Stryker report) was made. */
export function changedSinceBaseline(
  root: string,
  baseline: { files: Record<string, { source: string; mutants?: { status: string }[] }> },
): ChangedScope {
  const mutate: string[] = [];
  const untested: string[] = [];
  for (const file of mutatedSources(root)) {
    const held = baseline.files[file];
    const before = held?.source;
    // Only results from running tests count: a file with only NoCoverage/Ignored entries (known
    // right after the dry run) was never judged by the baseline run.
    const judged = (held?.mutants ?? []).some((m) => JUDGED.has(m.status));
    if (before === undefined || !judged) {
      untested.push(file);
      continue;
    }
    const current = readFileSync(path.join(root, file), "utf8");
    for (const [start, end] of changedLineRanges(before, current)) {
      mutate.push(`${file}:${start}-${end}`);
    }
  }
  return { mutate, untested };
}
