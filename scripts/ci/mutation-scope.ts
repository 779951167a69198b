/**
 * @module scripts/ci/mutation-scope
 * `npm run test:mutation -- --changed`: the parts of `src/` whose code differs from what the
 * committed baseline (`mutants/stryker-incremental.json`, a Stryker report that holds each file's
 * source) was computed on, as Stryker `--mutate` ranges: the changed lines and every mutant around
 * them (a function body spanning a changed line). Only those mutants run; every
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

type Range = [number, number];

/** A baseline mutant's lines (1-based, inclusive) in the source it was computed on. */
interface MutantLines {
  location: { start: { line: number }; end: { line: number } };
}

/**
 * Line ranges (1-based, inclusive) of `current` that are new or changed relative to `before`,
 * each widened to the whole of every baseline mutant (`mutants`, lines of `before`) that spans it:
 * a function body's mutant starts above a change inside it, and Stryker runs only the mutants
 * that lie within a `--mutate` range, so without it that mutant's result would silently be lost.
 */
export function changedLineRanges(
  before: string,
  current: string,
  mutants: readonly MutantLines[] = [],
): Range[] {
  const { hunks } = structuredPatch("a", "b", before, current, "", "", { context: 0 });
  // jsdiff: a hunk replaces old lines oldStart..oldStart+oldLines-1; one with no old lines
  // inserts before old line oldStart.
  const oldEnd = (h: (typeof hunks)[number]) => h.oldStart + h.oldLines - 1;
  const touches = (h: (typeof hunks)[number], m: MutantLines["location"]) =>
    h.oldLines === 0
      ? m.start.line < h.oldStart && m.end.line >= h.oldStart
      : m.start.line <= oldEnd(h) && m.end.line >= h.oldStart;
  /** Where a line of `before` is in `current` (a replaced line: within its hunk's new lines). */
  const toCurrent = (line: number) => {
    let moved = line;
    for (const h of hunks) {
      if (h.oldLines === 0 ? line >= h.oldStart : line > oldEnd(h)) {
        moved += h.newLines - h.oldLines;
      } else if (h.oldLines > 0 && line >= h.oldStart) {
        return Math.min(h.newStart + (line - h.oldStart), h.newStart + Math.max(h.newLines, 1) - 1);
      }
    }
    return moved;
  };
  // Removed lines leave no range of their own, only the mutants around them.
  return hunks
    .map((h): Range => {
      let [from, to]: Range =
        h.newLines > 0 ? [h.newStart, h.newStart + h.newLines - 1] : [Infinity, -Infinity];
      for (const { location } of mutants) {
        if (!touches(h, location)) continue;
        from = Math.min(from, toCurrent(location.start.line));
        to = Math.max(to, toCurrent(location.end.line));
      }
      return [from, to];
    })
    .filter(([from, to]) => from <= to);
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
  /**
   * Mutated sources the baseline run did not judge (no killed, survived or timed-out mutant), or
   * that it does not hold (new, or with no mutants: a file of types only).
   */
  untested: string[];
}

/** What changed in `src/` (under `root`) since `baseline` (a parsed Stryker report) was made. */
export function changedSinceBaseline(
  root: string,
  baseline: {
    files: Record<string, { source: string; mutants?: ({ status: string } & MutantLines)[] }>;
  },
): ChangedScope {
  const mutate: string[] = [];
  const untested: string[] = [];
  for (const file of mutatedSources(root)) {
    const held = baseline.files[file];
    const before = held?.source;
    // Only results from running tests count: a file with NoCoverage entries (known right after
    // the dry run) was never judged by the baseline run. One whose every mutant is disabled
    // (`Ignored`) is as judged as it gets: only its changed lines can bring new mutants.
    const mutants = held?.mutants ?? [];
    const disabled = mutants.length > 0 && mutants.every((m) => m.status === "Ignored");
    const judged = disabled || mutants.some((m) => JUDGED.has(m.status));
    if (before === undefined || !judged) {
      untested.push(file);
      continue;
    }
    const current = readFileSync(path.join(root, file), "utf8");
    for (const [start, end] of changedLineRanges(before, current, held?.mutants)) {
      mutate.push(`${file}:${start}-${end}`);
    }
  }
  return { mutate, untested };
}
