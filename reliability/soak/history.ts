/**
 * @module reliability/soak/history
 * One record per HTTP request the soak made (request, response, time), and the ledger the final
 * checks derive from it: which shares were acknowledged, deleted or lost to a restart.
 */
import type { CreateShareInput } from "../../src/shares/create-schema";
import type { OpKind } from "./plan";

export interface OpRecord {
  /** Index of the planned op (pages of one list share it). */
  i: number;
  client: number;
  /** Restart period the op ran in (0-based). */
  epoch: number;
  kind: OpKind;
  isolate: number;
  method: string;
  path: string;
  /** Wall ms since the run started, and duration. */
  at: number;
  ms: number;
  /** Virtual time when the op started. */
  virtualAt: number;
  /** 0 when the harness itself failed to answer. */
  status: number;
  /** Error code of a non-2xx answer. */
  code?: string;
  /** Share the op created, read or deleted. */
  id?: string;
  /** During the writes-down outage. */
  outage: boolean;
  /** The admin token used on a delete. */
  auth?: "valid" | "wrong" | "none";
  /** Create: what was sent. */
  body?: CreateShareInput;
  /** List: ids on the page. */
  ids?: string[];
}

export interface Ledger {
  /** Shares answered 201 (durable) or 202 (pending), with what was sent. */
  acked: Map<string, { status: 201 | 202; body: CreateShareInput; isolate: number }>;
  /** Shares a delete answered 204 for. */
  deleted: Set<string>;
}

export function buildLedger(records: readonly OpRecord[]): Ledger {
  const acked: Ledger["acked"] = new Map();
  const deleted = new Set<string>();
  for (const r of records) {
    if (r.kind === "create" && (r.status === 201 || r.status === 202) && r.id && r.body) {
      acked.set(r.id, { status: r.status, body: r.body, isolate: r.isolate });
    }
    if (r.kind === "delete" && r.status === 204 && r.id) deleted.add(r.id);
  }
  return { acked, deleted };
}
