/**
 * @module harness/node/mutation-switch
 * The Node side of the mutant switch for `npm run test:mutation`. StrykerJS's vitest runner keeps
 * the active mutant, the current test and the coverage in `globalThis.__stryker__` of the test
 * process; the Worker runs in workerd and cannot see it. So the harness sends the active mutant
 * with every request (and bakes it into the bundle at boot, for code that runs while modules load),
 * and records the coverage and hit counts the entry worker sends back as if the Worker had run
 * in this process. Outside a mutation run the namespace does not exist and nothing changes.
 */
import {
  ACTIVE_MUTANT_HEADER,
  COVERAGE_HEADER,
  HIT_LIMIT_HEADER,
  HITS_HEADER,
  type CoverageReport,
  type HitCounts,
  type StrykerNamespace,
} from "../workers/mutation-headers.js";

const strykerNamespace = () => (globalThis as { __stryker__?: StrykerNamespace }).__stryker__;

/** Headers for one Worker request: the active mutant, or a request for coverage (dry run). */
export function mutationRequestHeaders(): [string, string][] {
  const ns = strykerNamespace();
  if (!ns) return [];
  if (ns.activeMutant === undefined) return [[COVERAGE_HEADER, "1"]];
  return [
    [ACTIVE_MUTANT_HEADER, ns.activeMutant],
    ...(ns.hitLimit === undefined
      ? []
      : [[HIT_LIMIT_HEADER, String(ns.hitLimit)] as [string, string]]),
  ];
}

function add(into: HitCounts, from: HitCounts): void {
  for (const [id, hits] of Object.entries(from)) into[id] = (into[id] ?? 0) + hits;
}

/** Records what the entry worker reported on `headers`, then removes those headers. */
export function recordMutationReport(headers: Headers): void {
  const coverage = headers.get(COVERAGE_HEADER);
  const hits = headers.get(HITS_HEADER);
  headers.delete(COVERAGE_HEADER);
  headers.delete(HITS_HEADER);
  const ns = strykerNamespace();
  if (!ns) return;
  if (coverage !== null) {
    const report = JSON.parse(coverage) as CoverageReport;
    const all = (ns.mutantCoverage ??= { static: {}, perTest: {} });
    add(all.static, report.static);
    // Requests made outside a test (beforeAll) count as static, as they would in this process.
    const id = ns.currentTestId;
    add(id === undefined ? all.static : (all.perTest[id] ??= {}), report.test);
  }
  if (hits !== null && ns.hitCount !== undefined) ns.hitCount += Number(hits);
}

/**
 * A statement to run before the Worker's bundle: switches the active mutant on while its modules
 * load, so mutants in module-level code (constants, schemas, the app's routes) take effect too.
 */
export function mutationPrelude(): string {
  const mutant = strykerNamespace()?.activeMutant;
  if (mutant === undefined) return "";
  return `globalThis.__stryker__ = { activeMutant: ${JSON.stringify(mutant)} };\n`;
}
