/**
 * @module reliability/corrupt/persisted-store
 * Edits a stopped harness's persisted KV store the way a bad import or a buggy tool would: rows of
 * Miniflare's SQLite table and the value blobs beside it, not the KV API.
 */
import { readdirSync, rmSync, truncateSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { KV_ENTRIES_TABLE, kvStoreFiles } from "../../harness/node/runtime.js";

export interface StoreEditor {
  /** Replace the raw metadata text of `key` (no validation at all). */
  setMetadata(key: string, text: string | null): void;
  /** Overwrite the value bytes of `key` in its blob file. */
  setValue(key: string, value: string | Uint8Array): void;
  /** Make `key` point at the value blob of `other`. */
  shareValue(key: string, other: string): void;
  /** Delete the blob file holding `key`'s value. */
  removeValue(key: string): void;
}

function onlyDatabase(persistDir: string): string {
  const { databases } = kvStoreFiles(persistDir);
  if (databases.length !== 1) {
    throw new Error(`expected one KV database under ${persistDir}, found ${databases.length}`);
  }
  return databases[0]!;
}

/**
 * Open the store of a stopped harness and edit it.
 * @example editStore(dir, (s) => s.setMetadata("share:abc", "{not json"));
 */
export function editStore(persistDir: string, edit: (store: StoreEditor) => void): void {
  const db = new DatabaseSync(onlyDatabase(persistDir));
  const { blobDirs } = kvStoreFiles(persistDir);
  const blobOf = (key: string): string => {
    const row = db.prepare(`SELECT blob_id FROM ${KV_ENTRIES_TABLE} WHERE key = ?`).get(key) as
      { blob_id: string } | undefined;
    if (!row) throw new Error(`no KV entry ${key} in the store`);
    return row.blob_id;
  };
  const blobPath = (id: string): string => {
    for (const dir of blobDirs) if (readdirSync(dir).includes(id)) return path.join(dir, id);
    throw new Error(`blob ${id} not found`);
  };
  try {
    edit({
      setMetadata: (key, text) => {
        blobOf(key);
        db.prepare(`UPDATE ${KV_ENTRIES_TABLE} SET metadata = ? WHERE key = ?`).run(text, key);
      },
      setValue: (key, value) => writeFileSync(blobPath(blobOf(key)), value),
      shareValue: (key, other) => {
        db.prepare(`UPDATE ${KV_ENTRIES_TABLE} SET blob_id = ? WHERE key = ?`).run(
          blobOf(other),
          key,
        );
      },
      removeValue: (key) => rmSync(blobPath(blobOf(key))),
    });
  } finally {
    db.close();
  }
}

/**
 * Cut the store's database file to half its size (a disk filled up, a copy interrupted). The
 * write-ahead log is folded into the file first, so the cut goes through the data itself.
 */
export function truncateDatabase(persistDir: string): void {
  const file = onlyDatabase(persistDir);
  const db = new DatabaseSync(file);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  truncateSync(file, Math.floor(statSync(file).size / 2));
}
