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

export async function scanInventory(backend: StorageBackend): Promise<Inventory> {
  const nowSeconds = now() / 1000;
  let total = 0;
  let r2Stored = 0;
  const legacyKeys: string[] = [];
  const corrupt: Inventory["corrupt"] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.list({
      prefix: SHARE_KEY_PREFIX,
      limit: KV_LIMITS.listLimit,
      cursor,
    });
    for (const key of page.keys) {
      if (key.expiration !== undefined && key.expiration <= nowSeconds) continue;
      if (key.name === LEGACY_LIST_KEY) continue;
      if (!isShareId(key.name.slice(SHARE_KEY_PREFIX.length))) {
        corrupt.push({ key: key.name, reason: "the key is not a share id" });
      } else if (isOurMetadata(key.metadata)) {
        total++;
        if (key.metadata.r2) r2Stored++;
      } else {
        legacyKeys.push(key.name);
      }
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);

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
