/**
 * @module shares/store
 * ShareStore: create/get/list/delete/count shares over one storage backend. Never writes a shared
 * index key; lists by time-ordered keys and their metadata; handles the write fallback.
 */
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { now } from "../clock.js";
import type { Config } from "../env.js";
import { AppError, storageUnavailable } from "../errors.js";
import { logStorage } from "../log.js";
import type { IsolateState } from "../state.js";
import { compareKeys } from "../storage/compare.js";
import type { StorageBackend } from "../storage/types.js";
import { isCallerKvError } from "../storage/retry.js";
import { StorageWriteError } from "../storage/write-error.js";
import {
  advanceScan,
  finishScan,
  INVENTORY_TTL_MS,
  scanInventory,
  startScan,
  type Inventory,
} from "./inventory.js";
import { decodeCursor, encodeCursor, invalidCursor, type ListCursor } from "./list-cursor.js";
import { flushPendingRecords, markDeleted, pendingKeysByShare } from "../idempotency/records.js";
import { clearCorrupt, countedCorrupt, noteCorrupt } from "./corrupt.js";
import { readShareRecord } from "./parse.js";
import {
  decodeShareMetadata,
  encodeShareRecord,
  isOurMetadata,
  isShareId,
  LEGACY_LIST_KEY,
  SHARE_KEY_PREFIX,
  shareKey,
} from "./record.js";
import { SHARE_TTL_SECONDS, type ShareData } from "./schema.js";

/** At most this many list() calls per page, so runs of skipped keys cannot stall a request. */
const MAX_LIST_CALLS = 10;
/** Keys one KV list call asks for: KV's most. */
const LIST_BATCH = KV_LIMITS.listLimit;
const BULK = KV_LIMITS.bulkKeys;
/** How many flushed shares (the latest) are kept in the pending phase of lists begun before. */
const FLUSHED_HELD_MAX = 1000;

export type Durability = "durable" | "pending";

export interface SharePage {
  shares: ShareData[];
  cursor: string | null;
}

export class ShareStore {
  constructor(
    private readonly backend: StorageBackend,
    private readonly config: Config,
    private readonly state: IsolateState,
  ) {}

  /** True while the share is held only by this isolate, waiting for KV (write fallback). */
  isPending(id: string): boolean {
    return this.state.pendingWrites.has(id);
  }

  /**
   * Persist a new share (`idempotencyKey`: the hash of its create's key, kept in its metadata).
   * Returns "pending" when KV failed and the memory fallback kept it.
   */
  async save(share: ShareData, idempotencyKey?: string): Promise<Durability> {
    const record = encodeShareRecord(share, idempotencyKey);
    try {
      await this.backend.put(record.key, record.value, {
        // A keyed create's retry saves the first attempt's share, up to 24 h later.
        expirationTtl: ttlLeft(share),
        metadata: record.metadata,
      });
    } catch (error) {
      if (!(error instanceof StorageWriteError)) throw error;
      if (this.config.writeFallback === "memory") {
        this.state.pendingWrites.set(share.id, share);
        this.state.metrics.fallbacks++;
        logStorage({ op: "put", key: record.key, outcome: "fallback", ms: 0, backend: "kv" });
        return "pending";
      }
      throw storageUnavailable(
        "Storage is temporarily unavailable; the share was not saved",
        error,
      );
    }
    this.countCreated(share);
    return "durable";
  }

  async get(id: string): Promise<ShareData | undefined> {
    const pending = this.state.pendingWrites.get(id);
    if (pending) return pending;
    const key = shareKey(id);
    const { value, metadata } = await this.backend.getWithMetadata(key);
    if (value === null) return undefined;
    const read = readShareRecord(key, value);
    if (!read.ok) {
      noteCorrupt(this.state, key, read.reason, isOurMetadata(metadata));
      return undefined;
    }
    clearCorrupt(this.state, key);
    // KV may still hand out a record for a moment after its TTL; the clock is authoritative.
    if (isOurMetadata(metadata) && metadata.ts + SHARE_TTL_SECONDS * 1000 <= now())
      return undefined;
    return read.share;
  }

  /** Delete a share (KV record and any pending write). False when there was nothing to delete. */
  async delete(id: string): Promise<boolean> {
    const key = shareKey(id);
    const pending = this.state.pendingWrites.get(id);
    const pendingKey = pending ? pendingKeysByShare(this.state).get(id) : undefined;
    let existed = this.state.pendingWrites.delete(id);
    this.state.flushedWrites.delete(id);
    let value: string | null;
    let metadata: unknown;
    try {
      ({ value, metadata } = await this.backend.getWithMetadata(key));
      if (value !== null) await this.backend.delete(key);
    } catch (error) {
      // The client is told nothing was deleted: a pending share must stay pending.
      if (pending && !this.state.pendingWrites.has(id)) this.state.pendingWrites.set(id, pending);
      if (error instanceof StorageWriteError) {
        throw storageUnavailable("Storage is temporarily unavailable; nothing was deleted", error);
      }
      throw error;
    }
    if (value !== null) existed = true;
    if (existed) {
      clearCorrupt(this.state, key);
      this.state.inventory = undefined;
      this.state.legacyScan = undefined;
      this.state.legacyList = undefined;
      // A retry of the create that made it must not bring it back.
      const k = isOurMetadata(metadata) && typeof metadata.k === "string" ? metadata.k : pendingKey;
      if (k) await markDeleted(this.backend, this.state, k);
    }
    return existed;
  }

  async list(limit: number, rawCursor: string | undefined): Promise<SharePage> {
    const cursor: ListCursor = rawCursor ? decodeCursor(rawCursor) : { p: "kv" };
    if (cursor.p === "legacy") return this.listLegacy(cursor.i, limit, [], MAX_LIST_CALLS);
    const out: ShareData[] = [];
    // This isolate's pending shares come first (the pending phase), so the KV phase leaves out
    // any of them that KV also holds (a write that failed after it was stored). A list that began
    // with pending shares keeps those flushed since in its pending phase: else a flush between two
    // pages would move a share already handed out into KV's phase, and it would be listed again.
    const began = rawCursor ? cursor.s : now();
    const pending = this.pendingPhase(began);
    const s = rawCursor || pending.length > 0 ? began : undefined;
    const since = s === undefined ? {} : { s };
    const seen = new Set(pending.map((share) => share.id));
    if (!rawCursor || cursor.p === "pending") {
      const from = cursor.p === "pending" ? pending.findIndex((p) => listedAfter(p, cursor)) : 0;
      const rest = from < 0 ? [] : pending.slice(from);
      out.push(...rest.slice(0, limit));
      const last = out[out.length - 1];
      if (last && rest.length > limit) {
        return {
          shares: out,
          cursor: encodeCursor({ p: "pending", t: last.timestamp, i: last.id, ...since }),
        };
      }
    }
    if (out.length >= limit) return this.pendingPage(out, since);

    // A pending cursor that ran out of pending shares starts KV's listing from its beginning.
    const resume: { c?: string; a?: string } = cursor.p === "kv" ? cursor : {};
    let pageCursor = resume.c;
    // Keys up to `after` were handed out already: kept across KV pages (later keys sort after it).
    let after = resume.a;
    const nowSeconds = now() / 1000;
    let calls = 0;
    for (; ; calls++) {
      if (calls >= MAX_LIST_CALLS) {
        return { shares: out, cursor: encodeCursor(kvCursor(pageCursor, after, s)) };
      }
      // Whole KV pages (one call costs the same at any size), so runs of keys that hold no share
      // (expired, deleted, corrupt) rarely cost a second call.
      const page = await this.backend
        .list({
          prefix: SHARE_KEY_PREFIX,
          limit: LIST_BATCH,
          ...(pageCursor ? { cursor: pageCursor } : {}),
        })
        .catch((error: unknown) => {
          // Our cursor's schema cannot vouch for the KV cursor inside it: one KV refuses (a
          // forged one; production KV answers 400) is the client's bad cursor, not a KV bug.
          if (calls === 0 && resume.c !== undefined && isCallerKvError(error)) invalidCursor();
          throw error;
        });
      const live = page.keys.filter((key) => {
        if (after !== undefined && compareKeys(key.name, after) <= 0) return false;
        if (key.name === LEGACY_LIST_KEY || !isOurMetadata(key.metadata)) return false;
        if (key.expiration !== undefined && key.expiration <= nowSeconds) return false;
        const id = key.name.slice(SHARE_KEY_PREFIX.length);
        if (!isShareId(id)) {
          noteCorrupt(this.state, key.name, "the key is not a share id", false);
          return false;
        }
        // A record this isolate found corrupt is left out, though its metadata looks fine.
        return !seen.has(id) && !this.state.corruptKeys.has(key.name);
      });
      // Take what the page still needs; a record whose value is gone or corrupt makes room for the
      // next one, so a page is short only where the store ran out of shares.
      let next = 0;
      while (next < live.length && out.length < limit) {
        const picked = live.slice(next, next + (limit - out.length)).map((key) => ({
          name: key.name,
          share: decodeShareMetadata(key.name.slice(SHARE_KEY_PREFIX.length), key.metadata),
        }));
        next += picked.length;
        await this.fillFromValues(picked);
        for (const item of picked) {
          if (item.share && !seen.has(item.share.id)) {
            out.push(item.share);
            seen.add(item.share.id);
          }
        }
        after = picked[picked.length - 1]?.name ?? after;
      }
      // A cursor only when a share is known to follow: a client is never sent on to an empty page.
      if (next < live.length) {
        return { shares: out, cursor: encodeCursor(kvCursor(pageCursor, after, s)) };
      }
      if (page.list_complete) break;
      pageCursor = page.cursor;
    }
    return this.listLegacy(0, limit, out, MAX_LIST_CALLS - calls - 1);
  }

  /**
   * The pending phase of a list that began at `began` (none: a cursor from before any pending
   * share), newest first: this isolate's pending shares and those flushed to KV since.
   */
  private pendingPhase(began: number | undefined): ShareData[] {
    const shares = [...this.state.pendingWrites.values()];
    if (began !== undefined) {
      for (const { share, at } of this.state.flushedWrites.values()) {
        if (at >= began) shares.push(share);
      }
    }
    return shares.sort(newestFirst);
  }

  /**
   * A page the pending shares filled: a cursor only when a share follows in KV (one more list
   * call, the first share after them), or when KV cannot tell now; never one to an empty page.
   */
  private async pendingPage(out: ShareData[], since: { s?: number }): Promise<SharePage> {
    let follows: boolean;
    try {
      follows = (await this.list(1, encodeCursor({ p: "kv", ...since }))).shares.length > 0;
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "storage_unavailable") throw error;
      follows = true;
    }
    return { shares: out, cursor: follows ? encodeCursor({ p: "kv", ...since }) : null };
  }

  /**
   * Monitoring counts: from one scan of the `share:` keys plus this isolate's pending writes,
   * without the records this isolate found corrupt. Rescanned when the held scan is older than
   * INVENTORY_TTL_MS; with `refresh: false` (anonymous monitoring) the held scan is used however
   * old: such a caller can make an isolate scan once, not again and again. This isolate's own
   * creates and deletes keep the held counts current.
   */
  async inventory(options: { refresh?: boolean } = {}): Promise<Inventory> {
    const cached = this.state.inventory;
    let value: Inventory;
    if (
      cached &&
      cached.backend === this.backend.name &&
      (options.refresh === false || now() - cached.at < INVENTORY_TTL_MS)
    ) {
      value = cached.value;
    } else {
      // Concurrent callers share the scan in flight instead of each listing every key.
      this.state.inventoryScan ??= this.scan().finally(
        () => (this.state.inventoryScan = undefined),
      );
      value = await this.state.inventoryScan;
    }
    return { ...value, total: Math.max(0, value.total - countedCorrupt(this.state)) };
  }

  private async scan(): Promise<Inventory> {
    return this.hold(await scanInventory(this.backend));
  }

  private hold(value: Inventory): Inventory {
    this.state.inventory = { value, at: now(), backend: this.backend.name };
    for (const share of value.legacy) clearCorrupt(this.state, shareKey(share.id));
    for (const { key, reason } of value.corrupt) noteCorrupt(this.state, key, reason, false);
    return value;
  }

  /**
   * The legacy records for a list, within `budget` list calls: from an inventory or a list scan
   * younger than 60 s, else by going on with this isolate's list scan (started here, or by an
   * earlier list request whose calls ran out). `undefined` while that scan is not finished.
   */
  private async legacyWithin(budget: number): Promise<ShareData[] | undefined> {
    const fresh = (held: { at: number; backend: string } | undefined) =>
      held !== undefined &&
      held.backend === this.backend.name &&
      now() - held.at < INVENTORY_TTL_MS;
    if (fresh(this.state.inventory)) return this.state.inventory!.value.legacy;
    if (fresh(this.state.legacyList)) return this.state.legacyList!.legacy;
    let scan = this.state.legacyScan;
    const startedHere = !scan || !fresh({ at: scan.startedAt, backend: scan.backend });
    if (startedHere) {
      scan = { progress: startScan(), startedAt: now(), backend: this.backend.name };
      this.state.legacyScan = scan;
    }
    const running = scan!;
    // Concurrent list requests share the calls in flight instead of each listing the same page.
    running.step ??= advanceScan(this.backend, running.progress, budget).finally(() => {
      running.step = undefined;
    });
    if (!(await running.step)) return undefined;
    if (this.state.legacyScan === running) this.state.legacyScan = undefined;
    const value = await finishScan(this.backend, running.progress);
    // One request's own scan counts what monitoring counts; one spread over requests may have
    // missed creates between them, so only its legacy records are kept, for the list.
    if (startedHere) return this.hold(value).legacy;
    this.state.legacyList = { legacy: value.legacy, at: now(), backend: this.backend.name };
    return value.legacy;
  }

  /** One attempt per pending share; success removes it from the pending map. */
  async flushPending(): Promise<void> {
    if (this.state.flushing) return this.state.flushing;
    const put: StorageBackend["put"] = (key, value, options) =>
      this.backend.putOnce(key, value, options);
    const run = async () => {
      const keys = pendingKeysByShare(this.state);
      // Idempotency records first: a share in KV always has its key's record there too.
      if (!(await flushPendingRecords(put, this.state))) return;
      for (const share of [...this.state.pendingWrites.values()]) {
        const record = encodeShareRecord(share, keys.get(share.id));
        try {
          await put(record.key, record.value, {
            expirationTtl: ttlLeft(share),
            metadata: record.metadata,
          });
          // A delete may have removed it while the put was in flight.
          if (this.state.pendingWrites.delete(share.id)) {
            this.countCreated(share);
            holdFlushed(this.state, share);
          } else await this.backend.delete(record.key).catch(() => undefined);
          logStorage({ op: "flush", key: record.key, outcome: "ok", ms: 0, backend: "kv" });
        } catch {
          logStorage({ op: "flush", key: record.key, outcome: "error", ms: 0, backend: "kv" });
          return; // KV still down: stop, the next request tries again.
        }
      }
    };
    this.state.flushing = run().finally(() => {
      this.state.flushing = undefined;
    });
    return this.state.flushing;
  }

  private countCreated(share: ShareData): void {
    const inv = this.state.inventory;
    if (!inv) return;
    inv.value.total++;
    if (share.isR2Stored) inv.value.r2Stored++;
  }

  /** Items whose metadata could not hold the fields: one bulk read per 100 keys. */
  private async fillFromValues(items: { name: string; share?: ShareData }[]): Promise<void> {
    const missing = items.filter((i) => !i.share).map((i) => i.name);
    for (let i = 0; i < missing.length; i += BULK) {
      const values = await this.backend.getMany(missing.slice(i, i + BULK));
      for (const item of items) {
        if (item.share || !values.has(item.name)) continue;
        const value = values.get(item.name);
        if (value === null || value === undefined) continue; // deleted since the list
        const read = readShareRecord(item.name, value);
        if (read.ok) item.share = read.share;
        else noteCorrupt(this.state, item.name, read.reason, true);
      }
    }
  }

  /**
   * The legacy part of a list (from `legacyWithin`, so at most `budget` more list calls): rescanned
   * when the held scan is older than 60 s, so legacy records written after an isolate's first scan
   * still appear (docs/decisions/monitoring-access.md). While the scan is not finished the page
   * ends with a legacy cursor: the next request goes on with it.
   */
  private async listLegacy(
    index: number,
    limit: number,
    out: ShareData[],
    budget: number,
  ): Promise<SharePage> {
    const legacy = await this.legacyWithin(budget);
    if (!legacy) return { shares: out, cursor: encodeCursor({ p: "legacy", i: index }) };
    const take = out.length >= limit ? [] : legacy.slice(index, index + (limit - out.length));
    out.push(...take);
    const next = index + take.length;
    return {
      shares: out,
      cursor: next < legacy.length ? encodeCursor({ p: "legacy", i: next }) : null,
    };
  }
}

/**
 * Keeps a flushed share for the lists that began while it was pending: the latest
 * FLUSHED_HELD_MAX of them (a list followed across more flushes may list an older one twice).
 */
function holdFlushed(state: IsolateState, share: ShareData): void {
  const oldest = state.flushedWrites.keys().next().value;
  if (oldest !== undefined && state.flushedWrites.size >= FLUSHED_HELD_MAX) {
    state.flushedWrites.delete(oldest);
  }
  state.flushedWrites.set(share.id, { share, at: now() });
}

/**
 * The seconds left of a share's 30 days (at least KV's minimum TTL): one flushed after a KV
 * outage, or saved by its keyed create's retry, still expires 30 days after it was created, when
 * its reads (which go by the clock) stop serving it, not later in lists and totals.
 */
function ttlLeft(share: ShareData): number {
  const left = SHARE_TTL_SECONDS - Math.floor((now() - share.timestamp) / 1000);
  return Math.max(KV_LIMITS.minExpirationTtl, left);
}

/** The pending phase's order: newest first, ties by id (a total order, for the cursor). */
function newestFirst(a: ShareData, b: ShareData): number {
  return b.timestamp - a.timestamp || compareKeys(a.id, b.id);
}

/** True when `share` comes after the pending cursor's last share in {@link newestFirst} order. */
function listedAfter(share: ShareData, cursor: { t: number; i: string }): boolean {
  return (
    share.timestamp < cursor.t ||
    (share.timestamp === cursor.t && compareKeys(share.id, cursor.i) > 0)
  );
}

function kvCursor(c: string | undefined, a: string | undefined, s: number | undefined): ListCursor {
  return { p: "kv", ...(c ? { c } : {}), ...(a ? { a } : {}), ...(s === undefined ? {} : { s }) };
}

/** Guard for routes: ids are validated before any storage access. */
export function assertShareId(id: string, isValid: (id: string) => boolean): void {
  if (!isValid(id)) throw new AppError(400, "invalid_id", "The share id is malformed");
}
