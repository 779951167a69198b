/**
 * @module scripts/ci/mutation-summary
 * The text summary of a StrykerJS JSON report: the mutation score (computed by
 * `mutation-testing-metrics`, the library Stryker's own reports use), the counts by status, a
 * line per source file, and every mutant that was not detected with its `file:line:column`. Given
 * the census of `src/` (`mutation-census.ts`), it also says how many of the mutants the score
 * covers: a report from a partial or narrowed run is then not read as the score of all of `src/`.
 */
import { calculateMetrics, type Metrics } from "mutation-testing-metrics";
import type { MutantResult, MutationTestResult } from "mutation-testing-report-schema";

const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const pct = (score: number) => (Number.isNaN(score) ? "n/a" : `${score.toFixed(2)}%`);

function counts(m: Metrics): string {
  return [
    `killed ${m.killed}`,
    `timeout ${m.timeout}`,
    `survived ${m.survived}`,
    `no coverage ${m.noCoverage}`,
    `ignored ${m.ignored}`,
    `errors ${m.runtimeErrors + m.compileErrors}`,
  ].join(", ");
}

/** One line per mutant: where, what Stryker changed, and to what. */
function mutantLine(file: string, mutant: MutantResult): string {
  const { line, column } = mutant.location.start;
  const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 80);
  return `  ${file}:${line}:${column}  ${mutant.status}  ${mutant.mutatorName}  ${JSON.stringify(replacement)}`;
}

const share = (part: number, whole: number) =>
  whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(1)}%`;

/**
 * The summary text for `report`; `breakAt` is the configured `thresholds.break`; `census` the
 * mutants each file of `src/` has now (files the report lacks are listed with no result).
 */
export function mutationSummary(
  report: MutationTestResult,
  breakAt: number | null,
  census?: ReadonlyMap<string, number>,
): string {
  const metrics = calculateMetrics(report.files).metrics;
  const score = metrics.mutationScore;
  const verdict =
    breakAt === null
      ? ""
      : score >= breakAt
        ? ` (break at ${breakAt}%: pass)`
        : ` (below break ${breakAt}%: FAIL)`;
  const lines = [
    `mutation score: ${pct(score)}${verdict}`,
    `mutants: ${metrics.totalMutants}: ${counts(metrics)}`,
  ];
  const held = (file: string) => report.files[file]?.mutants.length ?? 0;
  // Files with no mutant at all (type-only modules) say nothing.
  const files = [...new Set([...Object.keys(report.files), ...(census?.keys() ?? [])])]
    .filter((file) => held(file) > 0 || (census?.get(file) ?? 0) > 0)
    .sort();
  if (census) {
    const total = [...census.values()].reduce((a, b) => a + b, 0);
    const covered = [...census].reduce((sum, [file, n]) => sum + Math.min(n, held(file)), 0);
    const none = [...census].filter(([file, n]) => n > 0 && held(file) === 0).map(([f]) => f);
    lines.push(
      `results for ${covered} of the ${total} mutants in src/ (${share(covered, total)}); ` +
        (covered < total
          ? `the score covers only those, the other ${total - covered} have not been run`
          : "the score covers all of src/"),
    );
    if (none.length > 0) lines.push(`files with no result (${none.length}): ${none.join(", ")}`);
  }
  lines.push("", "by file:");
  const width = Math.max(...files.map((f) => f.length));
  for (const file of files) {
    const results = report.files[file];
    const m = calculateMetrics(results ? { [file]: results } : {}).metrics;
    const ofCensus = census?.has(file) ? `  results ${held(file)}/${census.get(file)}` : "";
    lines.push(
      `  ${file.padEnd(width)}  ${pct(m.mutationScore).padStart(7)}${ofCensus}  ${counts(m)}`,
    );
  }
  const undetected = files.flatMap((file) =>
    (report.files[file]?.mutants ?? [])
      .filter((m) => UNDETECTED.has(m.status))
      .sort((a, b) => a.location.start.line - b.location.start.line)
      .map((m) => mutantLine(file, m)),
  );
  lines.push(
    "",
    `undetected (${undetected.length}):`,
    ...(undetected.length > 0 ? undetected : ["  none"]),
  );
  return `${lines.join("\n")}\n`;
}
