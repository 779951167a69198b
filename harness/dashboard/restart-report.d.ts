/** Types for restart-report.js (the page loads the .js file as is; tests import it through these). */
export interface RestartView {
  keys: number;
  keysComplete: boolean;
  rules: number;
  clock: number;
  cacheSize?: number;
  isolateStartedAt?: string;
}
export declare function describeRestart(
  before: RestartView,
  after: RestartView,
  ms: number,
): { took: string; survived: string[]; lost: string[] };
