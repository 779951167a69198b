/**
 * @module scripts/ci/mutant-report
 * Reads a Vitest JSON report from a run against one mutant: which suites (describe blocks, which
 * carry the backend) killed it, and whether a failure came from the mutant not building at all
 * (a broken mutant proves nothing, so it must not count as killed).
 */

/** The part of Vitest's JSON reporter output this module reads. */
export interface VitestJsonReport {
  testResults: {
    name: string;
    message?: string;
    assertionResults: {
      ancestorTitles: string[];
      title: string;
      status: string;
      failureMessages?: string[];
    }[];
  }[];
}

export interface MutantVerdict {
  killedBy: string[];
  failedTests: number;
  /** Set when the Worker variant did not build or boot: the run proves nothing. */
  broken?: string;
}

const BROKEN = /BUNDLE_FAILED|PATCH_MISMATCH/;

export function judgeMutant(report: VitestJsonReport): MutantVerdict {
  const killedBy = new Set<string>();
  let failedTests = 0;
  let broken: string | undefined;
  for (const file of report.testResults) {
    if (file.message && BROKEN.test(file.message)) broken ??= file.message.split("\n")[0];
    for (const test of file.assertionResults) {
      if (test.status !== "failed") continue;
      const message = (test.failureMessages ?? []).join("\n");
      if (BROKEN.test(message)) {
        broken ??= message.split("\n")[0];
        continue;
      }
      failedTests++;
      killedBy.add(test.ancestorTitles[0] ?? file.name);
    }
  }
  return { killedBy: [...killedBy].sort(), failedTests, ...(broken ? { broken } : {}) };
}
