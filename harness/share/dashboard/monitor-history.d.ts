/** Types for monitor-history.js (the page loads the .js file as is; tests import it through these). */
export interface MonitoringSample {
  kv: { reads: number; writes: number; deletes: number; lists: number; errors: number };
  latencyMs: Record<"get" | "put" | "list", { p50: number; p95: number; max: number }>;
  isolateStartedAt: string;
}
export interface HistoryPoint {
  at: number;
  ops: number;
  errors: number;
  errorRate: number | null;
  get: number | null;
  put: number | null;
  list: number | null;
}
export declare function createHistory(windowMs: number): {
  push(at: number, monitoring: MonitoringSample): void;
  gap(at: number): void;
  points(): HistoryPoint[];
};
