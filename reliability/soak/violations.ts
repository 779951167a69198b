/**
 * @module reliability/soak/violations
 * Everything the soak checks, as pure functions over what it recorded and observed, so each check
 * is tested on hand-made data. A violation names the invariant, says what broke and where.
 */
import type { ShareData } from "../../src/shares/schema.js";
import { responseProblems, type ResponseView } from "../support/error-shape.js";
import type { Ledger, OpRecord } from "./history.js";
import type { WriteFallback } from "./options.js";

export type ViolationCode =
  | "bad_response"
  | "unexpected_status"
  | "transport_error"
  | "acked_missing_in_kv"
  | "unacked_in_kv"
  | "deleted_still_in_kv"
  | "not_listed"
  | "listed_unexpectedly"
  | "listed_twice"
  | "get_disagrees"
  | "content_mismatch"
  | "total_mismatch"
  | "pending_mismatch"
  | "lost_mismatch"
  | "pending_not_flushed"
  | "final_request_failed"
  | "secret_in_logs"
  | "duplicate_share"
  | "idempotency_mismatch"
  | "time_budget";

export interface Violation {
  code: ViolationCode;
  message: string;
  /** Planned op index, when one op is to blame. */
  op?: number;
}

const ALLOWED: Record<OpRecord["kind"], number[]> = {
  create: [201, 503],
  get: [200, 404, 503],
  list: [200, 503],
  delete: [204, 404, 503],
};

/** Checks one answer given during the chaos phase. */
export function checkOpResponse(
  record: OpRecord,
  view: ResponseView,
  fallback: WriteFallback,
): Violation[] {
  const where = `op ${record.i} ${record.method} ${record.path} on isolate ${record.isolate}`;
  const out: Violation[] = responseProblems(view).map((p) => ({
    code: "bad_response" as const,
    message: `${where}: ${p}`,
    op: record.i,
  }));
  const allowed = [...ALLOWED[record.kind]];
  if (record.kind === "create" && fallback === "memory") allowed.push(202);
  if (record.kind === "create" && record.key) allowed.push(409);
  if (record.kind === "delete" && record.auth !== "valid") allowed.splice(0, allowed.length, 401);
  if (!allowed.includes(record.status)) {
    out.push({
      code: "unexpected_status",
      message:
        `${where}: status ${record.status} ${record.code ?? ""} (expected ${allowed.join("/")})`.trim(),
      op: record.i,
    });
  }
  return out;
}

/** What each isolate answered once faults stopped and the store settled. */
export interface IsolateView {
  isolate: number;
  /** Every share listed, following cursors to the end. Undefined when listing failed. */
  listed: ShareData[] | undefined;
  /** Status of GET /api/share/:id per id checked, and the share when 200. */
  gets: Map<string, { status: number; share?: ShareData }>;
  monitoring: { total: number; pending: number } | undefined;
}

export interface FinalView {
  /** Share ids present in KV (read directly, no Worker, no caches). */
  kvIds: Set<string>;
  isolates: IsolateView[];
  /** Shares lost to restarts (pending when the runtime went down). */
  lost: Set<string>;
}

function sameContent(
  share: ShareData,
  sent: { prompt: string; style: string; generatedUrl: string; originalUrl: string },
): boolean {
  return (
    share.prompt === sent.prompt.trim() &&
    share.style === sent.style &&
    share.generatedUrl === sent.generatedUrl &&
    share.originalUrl === sent.originalUrl
  );
}

/** The expected live set: acknowledged, not deleted, not lost to a restart. */
export function expectedLive(ledger: Ledger, lost: Set<string>): Set<string> {
  const live = new Set<string>();
  for (const id of ledger.acked.keys()) if (!ledger.deleted.has(id) && !lost.has(id)) live.add(id);
  return live;
}

const MAX_PER_CODE = 20;

/** The end-state invariants: KV, list, get and monitoring agree with what clients were told. */
export function checkFinal(ledger: Ledger, view: FinalView): Violation[] {
  const out: Violation[] = [];
  const live = expectedLive(ledger, view.lost);
  const push = (code: ViolationCode, message: string) => {
    if (out.filter((v) => v.code === code).length < MAX_PER_CODE) out.push({ code, message });
  };
  for (const id of live) {
    if (!view.kvIds.has(id)) {
      const how = ledger.acked.get(id)!.status === 202 ? "pending (202)" : "durable (201)";
      push("acked_missing_in_kv", `share ${id} acknowledged ${how} is not in KV`);
    }
  }
  for (const id of view.kvIds) {
    if (ledger.deleted.has(id))
      push("deleted_still_in_kv", `share ${id} was deleted (204) but is in KV`);
    else if (!ledger.acked.has(id))
      push("unacked_in_kv", `share ${id} is in KV but no client was told it was created`);
    else if (view.lost.has(id))
      push("lost_mismatch", `share ${id} was counted lost to a restart but is in KV`);
  }
  for (const iso of view.isolates) {
    const at = `isolate ${iso.isolate}`;
    if (!iso.listed) {
      push("final_request_failed", `${at}: listing every share failed`);
      continue;
    }
    const listedIds = iso.listed.map((s) => s.id);
    const listed = new Set(listedIds);
    if (listed.size !== listedIds.length)
      push("listed_twice", `${at}: ${listedIds.length - listed.size} shares listed more than once`);
    for (const id of live)
      if (!listed.has(id)) push("not_listed", `${at}: live share ${id} is not listed`);
    for (const id of listed)
      if (!live.has(id))
        push("listed_unexpectedly", `${at}: share ${id} is listed but is not live`);
    for (const share of iso.listed) {
      const sent = ledger.acked.get(share.id);
      if (sent && !sameContent(share, sent.body))
        push("content_mismatch", `${at}: listed share ${share.id} differs from what was sent`);
    }
    for (const [id, got] of iso.gets) {
      const want = live.has(id) ? 200 : 404;
      if (got.status !== want) {
        push(
          "get_disagrees",
          `${at}: GET share ${id} answered ${got.status}, list and KV say ${want}`,
        );
      } else if (got.share && !sameContent(got.share, ledger.acked.get(id)!.body)) {
        push("content_mismatch", `${at}: GET share ${id} differs from what was sent`);
      }
    }
    if (!iso.monitoring) push("final_request_failed", `${at}: /api/monitoring failed`);
    else {
      if (iso.monitoring.total !== listed.size) {
        push(
          "total_mismatch",
          `${at}: monitoring shares.total ${iso.monitoring.total} but ${listed.size} listed`,
        );
      }
      if (iso.monitoring.pending !== 0)
        push(
          "pending_not_flushed",
          `${at}: ${iso.monitoring.pending} shares still pending after recovery`,
        );
    }
  }
  return out;
}

/**
 * Around a restart: monitoring's pending counts (writes were blocked) must match the shares not in
 * KV, and exactly those must be gone after the restart.
 */
export function checkRestartLoss(p: {
  epoch: number;
  reportedPending: number;
  pendingIds: Set<string>;
  lostIds: Set<string>;
}): Violation[] {
  const out: Violation[] = [];
  const at = `restart after period ${p.epoch}`;
  if (p.reportedPending !== p.pendingIds.size) {
    out.push({
      code: "pending_mismatch",
      message: `${at}: monitoring reported ${p.reportedPending} pending, ${p.pendingIds.size} acknowledged shares were not in KV`,
    });
  }
  const extra = [...p.lostIds].filter((id) => !p.pendingIds.has(id));
  const kept = [...p.pendingIds].filter((id) => !p.lostIds.has(id));
  if (extra.length > 0) {
    out.push({
      code: "lost_mismatch",
      message: `${at}: lost ${extra.length} shares that were not pending (${extra.slice(0, 3).join(", ")})`,
    });
  }
  if (kept.length > 0) {
    out.push({
      code: "lost_mismatch",
      message: `${at}: ${kept.length} pending shares reached KV although writes were down (${kept.slice(0, 3).join(", ")})`,
    });
  }
  return out;
}

/**
 * Exactly one share per create: no two shares in KV from one request body (a keyed client's
 * retries must not have made a second one), and every answer to one key names the same share.
 */
export function checkDuplicates(
  records: readonly OpRecord[],
  kvShares: readonly { id: string; generatedUrl: string }[],
): Violation[] {
  const out: Violation[] = [];
  const keyed = new Set(records.filter((r) => r.key && r.body).map((r) => r.body!.generatedUrl));
  const byBody = new Map<string, string[]>();
  for (const s of kvShares)
    byBody.set(s.generatedUrl, [...(byBody.get(s.generatedUrl) ?? []), s.id]);
  for (const [url, ids] of byBody) {
    if (ids.length < 2) continue;
    const how = keyed.has(url) ? "one keyed create (Idempotency-Key)" : "one create";
    out.push({
      code: "duplicate_share",
      message: `${ids.length} shares in KV for ${how}: ${ids.join(", ")}`,
    });
  }
  const idsByKey = new Map<string, Set<string>>();
  for (const r of records) {
    if (!r.key || !r.id || (r.status !== 201 && r.status !== 202)) continue;
    idsByKey.set(r.key, (idsByKey.get(r.key) ?? new Set()).add(r.id));
  }
  for (const [key, ids] of idsByKey) {
    if (ids.size > 1) {
      out.push({
        code: "idempotency_mismatch",
        message: `Idempotency-Key ${key} was answered with ${ids.size} different shares: ${[...ids].join(", ")}`,
      });
    }
  }
  return out;
}

/** Log lines that contain a secret value. */
export function checkLogsForSecrets(
  lines: readonly string[],
  secrets: readonly string[],
): Violation[] {
  const out: Violation[] = [];
  for (const secret of secrets) {
    const hit = lines.find((l) => l.includes(secret));
    if (hit)
      out.push({
        code: "secret_in_logs",
        message: `a Worker log line contains a secret: ${hit.replace(secret, "<SECRET>").slice(0, 160)}`,
      });
  }
  return out;
}
