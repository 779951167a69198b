/**
 * @module log
 * One JSON line per storage operation (the Workers Logs convention), readable by tests and
 * `wrangler tail`. Never pass secrets or request headers here.
 */

export type StorageOp = "get" | "getMany" | "put" | "delete" | "list" | "flush";

export interface StorageLogLine {
  op: StorageOp;
  key: string;
  outcome: string;
  ms: number;
  backend: "kv" | "memory";
  attempt?: number;
  error?: string;
  count?: number;
}

/** KV's own label for each op, as in `KV PUT failed: ...`. */
const KV_LABEL: Record<StorageOp, string> = {
  get: "GET",
  getMany: "GET_BULK",
  put: "PUT",
  delete: "DELETE",
  list: "LIST",
  flush: "PUT",
};

/**
 * The error text for a log line, labelled with the op that failed: workerd reports a failed
 * `list()` as `KV GET failed: ...`, which reads like a failed read in a log full of reads.
 */
export function logError(op: StorageOp, e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(
    /^KV [A-Z_]+ failed:/,
    `KV ${KV_LABEL[op]} failed:`,
  );
}

export function logStorage(line: StorageLogLine): void {
  console.log(JSON.stringify({ level: line.outcome === "error" ? "error" : "info", ...line }));
}

/** Non-storage events (startup config errors, unexpected exceptions): message only, no stack. */
export function logEvent(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: "warn", event, ...fields }));
}
