/**
 * @module scripts/ci/mutation-summary
 * The text summary of a StrykerJS JSON report: the mutation score (computed by
 * `mutation-testing-metrics`, the library Stryker's own reports use), the counts by status, a
 * line per source file, and every mutant that was not detected with its `file:line:column`.
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

/** The summary text for `report`; `breakAt` is the configured `thresholds.break`. */
export function mutationSummary(report: MutationTestResult, breakAt: number | null): string {
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
    "",
    "by file:",
  ];
  const files = Object.keys(report.files).sort();
  const width = Math.max(...files.map((f) => f.length));
  for (const file of files) {
    const m = calculateMetrics({ [file]: report.files[file]! }).metrics;
    lines.push(`  ${file.padEnd(width)}  ${pct(m.mutationScore).padStart(7)}  ${counts(m)}`);
  }
  const undetected = files.flatMap((file) =>
    report.files[file]!.mutants.filter((m) => UNDETECTED.has(m.status))
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
