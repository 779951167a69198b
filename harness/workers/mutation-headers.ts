/**
 * @module harness/workers/mutation-headers
 * Headers that carry StrykerJS's mutant switch between the test process (Node) and the entry
 * worker (workerd) during `npm run test:mutation` (never sent outside a mutation run), and the
 * shape of Stryker's global namespace both sides read.
 */

/** Request: the id of the mutant that is active in the test process. */
export const ACTIVE_MUTANT_HEADER = "x-harness-mutant";
/** Request: Stryker's hit limit for the active mutant (turns an endless loop into an error). */
export const HIT_LIMIT_HEADER = "x-harness-mutant-hit-limit";
/** Request: "1" asks for coverage (dry run). Response: JSON `{ static, test }` hit counts. */
export const COVERAGE_HEADER = "x-harness-mutant-coverage";
/** Response: how often the active mutant ran during this request. */
export const HITS_HEADER = "x-harness-mutant-hits";

/** Mutant id -> number of times its code ran. */
export type HitCounts = Record<string, number>;

/** What the entry worker reports in `COVERAGE_HEADER`. */
export interface CoverageReport {
  /** Covered while the Worker's modules were evaluated (before any request). */
  static: HitCounts;
  /** Covered since the previous report: this request and any `waitUntil` work before it. */
  test: HitCounts;
}

/** The fields of Stryker's global namespace (`globalThis.__stryker__`) the switch uses. */
export interface StrykerNamespace {
  activeMutant?: string;
  /** Set by Stryker's vitest runner around each test (test process only). */
  currentTestId?: string;
  hitCount?: number;
  hitLimit?: number;
  mutantCoverage?: { static: HitCounts; perTest: Record<string, HitCounts> };
}
