/**
 * @module shares/inventory
 * One scan of the `share:` keys (metadata only, no per-key reads of new records), cached per
 * isolate for at most 60 s: counts for monitoring, and the sorted legacy records for listing.
 */
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { now } from "../clock.js";
import type { StorageBackend } from "../storage/types.js";
import { isOurMetadata, isShareId, LEGACY_LIST_KEY, SHARE_KEY_PREFIX } from "./record.js";
import { readShareRecord } from "./parse.js";
import type { ShareData } from "./schema.js";

export const INVENTORY_TTL_MS = 60_000;
const BULK = KV_LIMITS.bulkKeys;

export interface Inventory {
  /** Keys with our metadata that have not expired. */
  total: number;
  r2Stored: number;
  /** Valid legacy records, newest first. */
  legacy: ShareData[];
  /** Keys that hold no share: legacy values that are not a ShareData, keys that are no share id. */
  corrupt: { key: string; reason: string }[];
}

/** A scan of the `share:` keys part way through: where it goes on, and what it has counted. */
export interface ScanProgress {
  cursor: string | undefined;
  total: number;
  r2Stored: number;
  legacyKeys: string[];
  corrupt: Inventory["corrupt"];
}

export const startScan = (): ScanProgress => ({
  cursor: undefined,
  total: 0,
  r2Stored: 0,
  legacyKeys: [],
  corrupt: [],
});

/** At most `maxCalls` list calls of the scan; true once it has read the last key. */
export async function advanceScan(
  backend: StorageBackend,
  progress: ScanProgress,
  maxCalls: number,
): Promise<boolean> {
  const nowSeconds = now() / 1000;
  for (let calls = 0; calls < maxCalls; calls++) {
    const page = await backend.list({
      prefix: SHARE_KEY_PREFIX,
      limit: KV_LIMITS.listLimit,
      cursor: progress.cursor,
    });
    for (const key of page.keys) {
      if (key.expiration !== undefined && key.expiration <= nowSeconds) continue;
      if (key.name === LEGACY_LIST_KEY) continue;
      if (!isShareId(key.name.slice(SHARE_KEY_PREFIX.length))) {
        progress.corrupt.push({ key: key.name, reason: "the key is not a share id" });
      } else if (isOurMetadata(key.metadata)) {
        progress.total++;
        if (key.metadata.r2) progress.r2Stored++;
      } else {
        progress.legacyKeys.push(key.name);
      }
    }
    if (page.list_complete) return true;
    progress.cursor = page.cursor;
  }
  return false;
}

export async function scanInventory(backend: StorageBackend): Promise<Inventory> {
  const progress = startScan();
  await advanceScan(backend, progress, Infinity);
  return finishScan(backend, progress);
}

/** The inventory of a finished scan: its legacy records read (bulk gets) and sorted. */
export async function finishScan(
  backend: StorageBackend,
  { total, r2Stored, legacyKeys, corrupt }: ScanProgress,
): Promise<Inventory> {
  const legacy: ShareData[] = [];
  for (let i = 0; i < legacyKeys.length; i += BULK) {
    const values = await backend.getMany(legacyKeys.slice(i, i + BULK));
    for (const [key, value] of values) {
      if (value === null) continue; // deleted or expired since the list
      const read = readShareRecord(key, value);
      if (read.ok) legacy.push(read.share);
      else corrupt.push({ key, reason: read.reason });
    }
  }
  legacy.sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { total, r2Stored, legacy, corrupt };
}
