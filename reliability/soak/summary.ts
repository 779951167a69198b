/**
 * @module reliability/soak/summary
 * The soak's result: counts by op and status, faults, restarts, share bookkeeping and violations,
 * as data (for tests and `--json`) and as the text the CLI prints.
 */
import type { OpRecord } from "./history.js";
import { reproduceCommand, type SoakOptions } from "./options.js";
import type { Violation } from "./violations.js";

export interface SoakSummary {
  options: SoakOptions;
  seconds: number;
  /** HTTP requests by op kind and status (0 = no answer). */
  requests: Record<string, Record<string, number>>;
  kv: { operations: number; faults: number; rateLimited: number };
  /** Every restart and crash; `underTraffic` of them happened while clients kept sending. */
  restarts: { clean: number; crash: number; underTraffic: number };
  outages: number;
  shares: {
    acknowledged: number;
    pending: number;
    deleted: number;
    lostToRestarts: number;
    flushedAfterRecovery: number;
    live: number;
    inKv: number;
    /** Shares made by creates whose answer was lost (cut off by a crash), found in KV. */
    adopted: number;
  };
  /** Creates sent with an Idempotency-Key. */
  keyed: { creates: number; retried: number; answered: number; duplicates: number };
  violations: Violation[];
  reproduce: string;
}

export function countKeyed(records: readonly OpRecord[], duplicates: number): SoakSummary["keyed"] {
  const keys = new Set<string>();
  const retried = new Set<string>();
  const answered = new Set<string>();
  for (const r of records) {
    if (!r.key) continue;
    keys.add(r.key);
    if ((r.attempt ?? 1) > 1) retried.add(r.key);
    if (r.status === 201 || r.status === 202) answered.add(r.key);
  }
  return { creates: keys.size, retried: retried.size, answered: answered.size, duplicates };
}

export function countRequests(records: readonly OpRecord[]): SoakSummary["requests"] {
  const out: SoakSummary["requests"] = {};
  for (const r of records) {
    const byStatus = (out[r.kind] ??= {});
    byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  }
  return out;
}

export function formatSummary(s: SoakSummary): string {
  const o = s.options;
  const byKind = Object.entries(s.requests)
    .map(([kind, statuses]) => {
      const parts = Object.entries(statuses)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, n]) => `${status}×${n}`);
      return `  ${kind.padEnd(7)} ${parts.join("  ")}`;
    })
    .join("\n");
  const byCode = new Map<string, number>();
  for (const v of s.violations) byCode.set(v.code, (byCode.get(v.code) ?? 0) + 1);
  const lines = [
    `soak seed ${o.seed}: ${o.ops} ops, ${o.clients} clients, ${o.isolates} isolates, fallback ${o.fallback}, ` +
      `fault rate ${o.faultRate}, restart every ${o.restartEvery}, outage ${o.outage} — ${s.seconds.toFixed(1)} s`,
    "requests by status:",
    byKind,
    `KV: ${s.kv.operations} operations, ${s.kv.faults} faults fired, ${s.kv.rateLimited} rate-limited`,
    `restarts: ${s.restarts.clean} clean + ${s.restarts.crash} crash (${s.restarts.underTraffic} under traffic); write outages: ${s.outages}`,
    `shares: ${s.shares.acknowledged} acknowledged (${s.shares.pending} pending/202, ${s.shares.adopted} whose answer a crash cut off), ${s.shares.deleted} deleted, ` +
      `${s.shares.lostToRestarts} lost to restarts (all pending), ${s.shares.flushedAfterRecovery} flushed after recovery, ` +
      `${s.shares.live} live = ${s.shares.inKv} in KV`,
    `keyed creates: ${s.keyed.creates} (${s.keyed.retried} retried, ${s.keyed.answered} answered), duplicates: ${s.keyed.duplicates}`,
    `violations: ${s.violations.length}${byCode.size ? ` (${[...byCode].map(([c, n]) => `${c} ${n}`).join(", ")})` : ""}`,
    ...s.violations.slice(0, 15).map((v) => `  - [${v.code}] ${v.message}`),
    ...(s.violations.length > 15 ? [`  ... and ${s.violations.length - 15} more`] : []),
    `reproduce: ${reproduceCommand(o)}`,
  ];
  return lines.join("\n");
}
