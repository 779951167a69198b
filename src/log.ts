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

export function logStorage(line: StorageLogLine): void {
  console.log(JSON.stringify({ level: line.outcome === "error" ? "error" : "info", ...line }));
}

/** Non-storage events (startup config errors, unexpected exceptions): message only, no stack. */
export function logEvent(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: "warn", event, ...fields }));
}
