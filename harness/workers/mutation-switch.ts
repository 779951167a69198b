/**
 * @module harness/workers/mutation-switch
 * The workerd side of the mutant switch. Stryker's instrumented code asks
 * `globalThis.__stryker__.activeMutant` which mutant is on; inside workerd nobody sets it, so the
 * entry worker calls `openMutationScope()` per request: it applies the active mutant the test
 * process sent, and on the way out reports coverage (dry run) or the mutant's hit count.
 * Without the headers (every run but `npm run test:mutation`) it changes nothing.
 */
import {
  ACTIVE_MUTANT_HEADER,
  COVERAGE_HEADER,
  HIT_LIMIT_HEADER,
  HITS_HEADER,
  type CoverageReport,
  type HitCounts,
  type StrykerNamespace,
} from "./mutation-headers.js";

const scope = globalThis as { __stryker__?: StrykerNamespace };

/** Hits already reported, so concurrent requests each report only their share. */
let reportedHits = 0;
/** Module-evaluation coverage is reported once, as static, with the first report. */
let staticReported = false;

/**
 * The hits counted since the last call. The instrumented code keeps a reference to the coverage
 * object it first saw and reads its `static` field on every hit, so the object must stay and
 * only that field is swapped.
 */
function takeCoverage(ns: StrykerNamespace): HitCounts {
  const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
  const taken = coverage.static;
  coverage.static = {};
  return taken;
}

export interface MutationScope {
  /** `response` with this request's coverage or hit count added (when asked for). */
  close(response: Response): Response;
}

/** True when the request carries the mutant switch (only during `npm run test:mutation`). */
export function hasMutationHeaders(headers: Headers): boolean {
  return headers.has(ACTIVE_MUTANT_HEADER) || headers.has(COVERAGE_HEADER);
}

/** Reads (and removes) the mutation headers from `headers`; see the module comment. */
export function openMutationScope(headers: Headers): MutationScope {
  const mutant = headers.get(ACTIVE_MUTANT_HEADER);
  const limit = headers.get(HIT_LIMIT_HEADER);
  const coverage = headers.get(COVERAGE_HEADER) === "1";
  headers.delete(ACTIVE_MUTANT_HEADER);
  headers.delete(HIT_LIMIT_HEADER);
  headers.delete(COVERAGE_HEADER);
  if (mutant === null && !coverage) return { close: (response) => response };
  const ns = (scope.__stryker__ ??= {});
  ns.activeMutant = mutant ?? undefined;
  if (mutant !== null && limit !== null) {
    ns.hitLimit = Number(limit);
    ns.hitCount ??= 0;
  }
  const atStart = coverage && !staticReported ? takeCoverage(ns) : {};
  if (coverage) staticReported = true;
  return {
    close(response) {
      const out = new Response(response.body, response);
      if (coverage) {
        const report: CoverageReport = { static: atStart, test: takeCoverage(ns) };
        out.headers.set(COVERAGE_HEADER, JSON.stringify(report));
      }
      if (ns.hitCount !== undefined) {
        out.headers.set(HITS_HEADER, String(ns.hitCount - reportedHits));
        reportedHits = ns.hitCount;
      }
      return out;
    },
  };
}
