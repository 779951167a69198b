/**
 * @module metrics/metrics
 * Per-isolate counters and bounded latency windows behind GET /api/monitoring.
 */
import { now } from "../clock.js";

const WINDOW = 200;

export type LatencyOp = "get" | "put" | "list";

export interface LatencySummary {
  p50: number;
  p95: number;
  max: number;
}

export class Metrics {
  reads = 0;
  writes = 0;
  deletes = 0;
  lists = 0;
  errors = 0;
  retries = 0;
  fallbacks = 0;
  /** Set on the first request: Workers freeze the clock during global-scope startup. */
  startedAt = 0;
  private readonly samples: Record<LatencyOp, number[]> = { get: [], put: [], list: [] };

  markStarted(): void {
    if (this.startedAt === 0) this.startedAt = now();
  }

  record(op: LatencyOp, ms: number): void {
    const window = this.samples[op];
    window.push(ms);
    if (window.length > WINDOW) window.shift();
  }

  latency(op: LatencyOp): LatencySummary {
    const sorted = [...this.samples[op]].sort((a, b) => a - b);
    if (sorted.length === 0) return { p50: 0, p95: 0, max: 0 };
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
  }

  get operations(): number {
    return this.reads + this.writes + this.deletes + this.lists;
  }

  errorRate(): number {
    return this.operations === 0 ? 0 : this.errors / this.operations;
  }
}
