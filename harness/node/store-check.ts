/**
 * @module harness/node/store-check
 * Runs on a persisted store before workerd opens it. Finds what no KV namespace can hold and
 * Miniflare cannot serve (a bad import or a tool editing the files may leave it): metadata that is
 * not JSON or longer than KV's 1024 bytes (Miniflare then fails every `list()` of the namespace),
 * and entries whose value blob is gone. It repairs those entries only, and keeps what it removed in
 * `<persist>/harness-repairs.jsonl`. A database SQLite reports as damaged is reported, not touched.
 */
import { appendFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type * as NodeSqlite from "node:sqlite";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import type { StoreProblem } from "../types.js";
import { KV_ENTRIES_TABLE, kvStoreFiles } from "./runtime.js";

export interface StoreCheckReport {
  databases: number;
  entries: number;
  problems: StoreProblem[];
}

/** Where removed metadata and entries are kept, one JSON line each. */
export const REPAIRS_FILE = "harness-repairs.jsonl";

interface Row {
  key: string;
  blob_id: string;
  metadata: string | null;
}

function metadataProblem(metadata: string | null): string | undefined {
  if (metadata === null) return undefined;
  const bytes = Buffer.byteLength(metadata);
  if (bytes > KV_LIMITS.metadataBytes) {
    return `metadata is ${bytes} bytes; KV allows ${KV_LIMITS.metadataBytes}`;
  }
  try {
    JSON.parse(metadata);
    return undefined;
  } catch {
    return "metadata is not JSON";
  }
}

function blobIds(dirs: string[]): Set<string> {
  const ids = new Set<string>();
  for (const dir of dirs) {
    try {
      for (const name of readdirSync(dir)) ids.add(name);
    } catch {
      // No blobs for this namespace yet.
    }
  }
  return ids;
}

/**
 * `node:sqlite` is a built-in without a flag from Node 22.13; the engines floor (22.12) has it only
 * with `--experimental-sqlite`. Without it the check is skipped and says so: workerd still opens
 * the store, so nothing stops, but nothing is repaired either.
 */
async function loadSqlite(): Promise<typeof NodeSqlite | undefined> {
  try {
    return await import("node:sqlite");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_UNKNOWN_BUILTIN_MODULE") return undefined;
    throw error;
  }
}

/**
 * Check (and repair) the KV store under `persistDir`. Safe on an empty or missing store.
 * @example const report = await checkStore(".wrangler/state"); report.problems.length
 */
export async function checkStore(persistDir: string): Promise<StoreCheckReport> {
  const { databases, blobDirs } = kvStoreFiles(persistDir);
  const report: StoreCheckReport = { databases: databases.length, entries: 0, problems: [] };
  if (databases.length === 0) return report;
  const sqlite = await loadSqlite();
  if (!sqlite) {
    report.problems.push({
      database: path.relative(persistDir, path.dirname(databases[0]!)) || ".",
      problem: `not checked: Node ${process.version} has node:sqlite only with --experimental-sqlite; use Node 22.13 or newer, or set NODE_OPTIONS=--experimental-sqlite`,
    });
    return report;
  }
  const { DatabaseSync } = sqlite;
  const blobs = blobIds(blobDirs);
  const backup: Record<string, unknown>[] = [];
  for (const file of databases) {
    const database = path.relative(persistDir, file);
    let db: InstanceType<typeof DatabaseSync> | undefined;
    try {
      db = new DatabaseSync(file);
      const check = db.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
      const verdict = check.map((r) => r.quick_check).join("; ");
      if (verdict !== "ok") throw new Error(verdict);
      const table = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(KV_ENTRIES_TABLE);
      if (!table) continue;
      const rows = db
        .prepare(`SELECT key, blob_id, metadata FROM ${KV_ENTRIES_TABLE}`)
        .all() as unknown as Row[];
      report.entries += rows.length;
      const clear = db.prepare(`UPDATE ${KV_ENTRIES_TABLE} SET metadata = NULL WHERE key = ?`);
      const drop = db.prepare(`DELETE FROM ${KV_ENTRIES_TABLE} WHERE key = ?`);
      db.exec("BEGIN");
      for (const row of rows) {
        const at = { database, key: row.key };
        if (!blobs.has(row.blob_id)) {
          drop.run(row.key);
          report.problems.push({
            ...at,
            problem: "its value is gone (no blob file)",
            repair: "entry removed",
          });
          backup.push({ ...at, removed: "entry", metadata: row.metadata });
          continue;
        }
        const problem = metadataProblem(row.metadata);
        if (problem) {
          clear.run(row.key);
          report.problems.push({ ...at, problem, repair: "metadata removed, value kept" });
          backup.push({ ...at, removed: "metadata", metadata: row.metadata });
        }
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db?.isTransaction) db.exec("ROLLBACK");
      report.problems.push({
        database,
        problem: `SQLite cannot read it (${(error as Error).message}); every KV call on this namespace fails until it is restored: move ${path.dirname(file)} away, or load a snapshot into a fresh store`,
      });
    } finally {
      db?.close();
    }
  }
  if (backup.length > 0) {
    const at = new Date().toISOString();
    appendFileSync(
      path.join(persistDir, REPAIRS_FILE),
      backup.map((b) => JSON.stringify({ at, ...b })).join("\n") + "\n",
    );
  }
  return report;
}
