/**
 * @module idempotency/records
 * What a create with an `Idempotency-Key` leaves behind: `idem:<sha256 of the key>` in KV for
 * 24 h, holding the body's fingerprint and the share it created. It is written before the share,
 * so a retry after a crash between the two finds it and finishes the job with the same id. With the
 * memory fallback, a record KV refused waits in this isolate and is flushed before its share.
 */
import { z } from "zod";
import { now } from "../clock.js";
import type { Config } from "../env.js";
import { storageUnavailable } from "../errors.js";
import { logEvent } from "../log.js";
import { parseBoundedJson } from "../../lib/bounded-json.js";
import { RECORD_BOUNDS } from "../shares/parse.js";
import { shareDataSchema } from "../shares/schema.js";
import type { IsolateState } from "../state.js";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import type { StorageBackend } from "../storage/types.js";
import { StorageWriteError } from "../storage/write-error.js";

export const IDEMPOTENCY_PREFIX = "idem:";
/** How long a key is remembered (the draft leaves it to the server; 24 h here). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const recordSchema = z.object({
  v: z.literal(1),
  /** SHA-256 of the validated body. */
  fp: z.string(),
  share: shareDataSchema,
  warning: z.object({ code: z.literal("image_not_stored"), message: z.string() }).optional(),
  /** When the key was first used (ms, the clock). */
  at: z.number(),
  /** The share was deleted since: a retry is answered from this record, nothing is saved. */
  deleted: z.literal(true).optional(),
});

export type IdempotencyRecord = z.infer<typeof recordSchema>;

export const recordKey = (hash: string) => `${IDEMPOTENCY_PREFIX}${hash}`;

const alive = (record: IdempotencyRecord) => now() - record.at < IDEMPOTENCY_TTL_SECONDS * 1000;

/** The record for `hash`: this isolate's pending one, else KV's. Throws 503 when KV fails. */
export async function readRecord(
  backend: StorageBackend,
  state: IsolateState,
  hash: string,
): Promise<IdempotencyRecord | undefined> {
  const pending = state.pendingIdempotency.get(hash);
  if (pending && alive(pending)) return pending;
  const value = await backend.get(recordKey(hash));
  if (value === null) return undefined;
  const parsed = parseBoundedJson(value, RECORD_BOUNDS);
  const record = parsed.ok ? recordSchema.safeParse(parsed.value) : undefined;
  if (!record?.success) {
    logEvent("corrupt_idempotency_record", { key: recordKey(hash) });
    return undefined;
  }
  return alive(record.data) ? record.data : undefined;
}

function ttlOf(record: IdempotencyRecord): number {
  const left = IDEMPOTENCY_TTL_SECONDS - Math.floor((now() - record.at) / 1000);
  return Math.max(KV_LIMITS.minExpirationTtl, left);
}

/**
 * Store `record` in KV (retried like every write). When KV stays down: with the memory fallback it
 * waits in this isolate; otherwise 503, and nothing was saved.
 */
export async function writeRecord(
  backend: StorageBackend,
  config: Pick<Config, "writeFallback">,
  state: IsolateState,
  hash: string,
  record: IdempotencyRecord,
): Promise<void> {
  try {
    await backend.put(recordKey(hash), JSON.stringify(record), { expirationTtl: ttlOf(record) });
    state.pendingIdempotency.delete(hash);
  } catch (error) {
    if (!(error instanceof StorageWriteError)) throw error;
    if (config.writeFallback !== "memory") {
      throw storageUnavailable(
        "Storage is temporarily unavailable; the share was not saved",
        error,
      );
    }
    state.pendingIdempotency.set(hash, record);
  }
}

/** After a delete: a retry with the key is answered from the record and saves nothing. */
export async function markDeleted(
  backend: StorageBackend,
  state: IsolateState,
  hash: string,
): Promise<void> {
  const pending = state.pendingIdempotency.get(hash);
  if (pending) pending.deleted = true;
  try {
    const record = pending ?? (await readRecord(backend, state, hash));
    if (!record) return;
    const deleted: IdempotencyRecord = { ...record, deleted: true };
    await backend.put(recordKey(hash), JSON.stringify(deleted), { expirationTtl: ttlOf(deleted) });
    state.pendingIdempotency.delete(hash);
  } catch (error) {
    // The share is gone either way; a retry within the window may bring it back (see the note).
    logEvent("idempotency_mark_failed", {
      key: recordKey(hash),
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The key hash of each pending share that was created with a key. */
export function pendingKeysByShare(state: IsolateState): Map<string, string> {
  const out = new Map<string, string>();
  for (const [hash, record] of state.pendingIdempotency) out.set(record.share.id, hash);
  return out;
}

/** One attempt per pending record (before their shares); stops at the first failure. */
export async function flushPendingRecords(
  put: StorageBackend["put"],
  state: IsolateState,
): Promise<boolean> {
  for (const [hash, record] of [...state.pendingIdempotency]) {
    if (!alive(record)) {
      state.pendingIdempotency.delete(hash);
      continue;
    }
    try {
      await put(recordKey(hash), JSON.stringify(record), { expirationTtl: ttlOf(record) });
      state.pendingIdempotency.delete(hash);
    } catch {
      return false;
    }
  }
  return true;
}
