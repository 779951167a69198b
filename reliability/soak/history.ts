/**
 * @module reliability/soak/history
 * One record per HTTP request the soak made (request, response, time), and the ledger the final
 * checks derive from it: which shares were acknowledged, deleted or lost to a restart.
 */
import type { CreateShareInput } from "../../src/shares/create-schema.js";
import type { OpKind } from "./plan.js";

export interface OpRecord {
  /** Index of the planned op (pages of one list share it). */
  i: number;
  client: number;
  /** Restart period the op ran in (0-based). */
  epoch: number;
  /** Runtime generation when the request started (+1 at the start of every restart or crash). */
  generation: number;
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
  /** Create: its Idempotency-Key, and which attempt this was (1-based). */
  key?: string;
  attempt?: number;
  /** List: ids on the page. */
  ids?: string[];
}

export interface Ledger {
  /** Shares answered 201 (durable) or 202 (pending), with what was sent. */
  acked: Map<
    string,
    { status: 201 | 202; body: CreateShareInput; isolate: number; generation: number }
  >;
  /** Shares a delete answered 204 for. */
  deleted: Set<string>;
  /** Shares a delete was sent for whose answer was lost (a crash cut it off): gone or not. */
  maybeDeleted: Set<string>;
  /**
   * Creates whose outcome nobody was told (the runtime went away under them, or a keyed client
   * ran out of attempts), by generatedUrl: each may or may not have made a share.
   */
  unknown: Map<string, CreateShareInput>;
}

/** The answer left the outcome open: no answer, or the harness's 503 for a cut-off request. */
export function outcomeUnknown(r: Pick<OpRecord, "status" | "code">): boolean {
  return r.status === 0 || (r.status === 503 && r.code === "worker_unavailable");
}

export function buildLedger(records: readonly OpRecord[]): Ledger {
  const acked: Ledger["acked"] = new Map();
  const deleted = new Set<string>();
  const maybeDeleted = new Set<string>();
  const unknown: Ledger["unknown"] = new Map();
  for (const r of records) {
    if (r.kind === "create" && (r.status === 201 || r.status === 202) && r.id && r.body) {
      const first = acked.get(r.id);
      // A keyed retry may be answered 201 for a share first answered 202: the first answer counts.
      if (!first) {
        acked.set(r.id, {
          status: r.status,
          body: r.body,
          isolate: r.isolate,
          generation: r.generation,
        });
      }
    }
    if (r.kind === "create" && r.body && outcomeUnknown(r))
      unknown.set(r.body.generatedUrl, r.body);
    if (r.kind === "delete" && r.status === 204 && r.id) deleted.add(r.id);
    if (r.kind === "delete" && r.auth === "valid" && r.id && outcomeUnknown(r)) {
      maybeDeleted.add(r.id);
    }
  }
  // A keyed create answered in the end is known, whatever its earlier attempts got.
  for (const { body } of acked.values()) unknown.delete(body.generatedUrl);
  for (const id of deleted) maybeDeleted.delete(id);
  return { acked, deleted, maybeDeleted, unknown };
}
