/**
 * @module harness/workers/kv-layer
 * The KV operations one location (isolate) performs, in order: validate the call as KV does,
 * spend the daily count (opt-in), apply a fault rule, then either hand the call to Miniflare's KV
 * (profile `miniflare`) or run the production model: the same-key write limit, the location's
 * edge cache (one entry per key for every read form), replication delay, opaque cursors.
 */
import type { FaultRule } from "../types.js";
import type { DailyCounts } from "./daily-limits.js";
import {
  asServiceError,
  faultOpOf,
  KvServiceError,
  type KvAnswer,
  type KvCall,
} from "./kv-call.js";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { injectedClientError, kvStatusError, networkError } from "./kv-errors.js";
import {
  validateBulk,
  validateCacheTtl,
  validateKeyName,
  validateList,
  validatePut,
  validateValueLength,
  type BulkType,
} from "./kv-validate.js";
import type { LayerState } from "./layer-state.js";
import type { StoredEntry, VirtualStore } from "./virtual-store.js";

type Call<Op extends KvCall["op"]> = Extract<KvCall, { op: Op }>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const HIT = "HIT";
const MISS = "MISS";

/** Numbers for Miniflare's binding from the strings workerd sent (absent stays absent). */
function numbers(options: Record<string, string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = Number(v);
  return out;
}

export class KvLayerOps {
  constructor(
    readonly state: LayerState,
    readonly store: VirtualStore,
    readonly isolate: number,
  ) {}

  get production(): boolean {
    return this.state.config.profile === "production";
  }

  /** Run one call; Miniflare's binding errors come back as the service errors they were. */
  async run(call: KvCall): Promise<KvAnswer> {
    try {
      switch (call.op) {
        case "get":
          return await this.#get(call);
        case "bulk":
          return await this.#bulk(call);
        case "put":
          return await this.#put(call);
        case "delete":
          return await this.#delete(call);
        case "list":
          return await this.#list(call);
      }
    } catch (e) {
      throw asServiceError(e);
    }
  }

  async #get(call: Call<"get">): Promise<KvAnswer> {
    const cacheTtl = validateCacheTtl(call.cacheTtl);
    this.#spend("reads", 1);
    await this.#fault(call);
    if (!this.production) {
      const result = (await this.store.getWithMetadata(call.key, {
        type: "stream",
        ...(cacheTtl !== undefined ? { cacheTtl } : {}),
      })) as { value: ReadableStream | null; metadata: unknown };
      return result.value === null
        ? { kind: "missing" }
        : { kind: "value", body: result.value, metadata: result.metadata };
    }
    const { entry, cacheStatus } = await this.#read(call.key, cacheTtl);
    return entry
      ? { kind: "value", body: entry.bytes, metadata: entry.metadata, cacheStatus }
      : { kind: "missing", cacheStatus };
  }

  async #bulk(call: Call<"bulk">): Promise<KvAnswer> {
    const { keys, type } = validateBulk(call);
    if (!this.production) {
      this.#spend("reads", keys.length);
      await this.#fault(call);
      const options = {
        ...(call.type !== undefined ? { type: call.type } : {}),
        ...(call.cacheTtl !== undefined ? { cacheTtl: Number(call.cacheTtl) } : {}),
      };
      const map = (await (call.read === "getWithMetadata"
        ? this.store.getWithMetadata(keys, options)
        : this.store.get(keys, options))) as Map<string, unknown>;
      return { kind: "json", value: Object.fromEntries(map) };
    }
    let cacheTtl: number | undefined;
    keys.forEach((key, i) => {
      validateKeyName(key);
      if (i === 0) cacheTtl = validateCacheTtl(call.cacheTtl);
    });
    this.#spend("reads", keys.length);
    await this.#fault(call);
    const out: Record<string, unknown> = {};
    let size = 0;
    for (const key of keys) {
      const { entry } = await this.#read(key, cacheTtl);
      if (!entry) {
        out[key] = null;
        continue;
      }
      const text = new TextDecoder().decode(entry.bytes);
      size += text.length;
      const value = bulkValue(text, type);
      out[key] = call.read === "getWithMetadata" ? { value, metadata: entry.metadata } : value;
    }
    if (size > KV_LIMITS.valueBytes) {
      throw new KvServiceError(413, "Total size of request exceeds the limit of 25MB");
    }
    return { kind: "json", value: out };
  }

  async #put(call: Call<"put">): Promise<KvAnswer> {
    const options = validatePut(call, Math.floor(this.store.now() / 1000));
    if (call.length !== undefined) validateValueLength(call.length);
    const raw = {
      ...numbers({ expirationTtl: call.expirationTtl, expiration: call.expiration }),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    };
    if (!this.production) {
      this.#spend("writes", 1);
      await this.#fault(call);
      await this.store.put(call.key, call.body ?? "", raw);
      return { kind: "done" };
    }
    // The model keeps every version's bytes, and the size check needs them all.
    const bytes = new Uint8Array(await new Response(call.body).arrayBuffer());
    validateValueLength(bytes.byteLength);
    this.#spend("writes", 1);
    await this.#fault(call);
    const entry: StoredEntry = {
      bytes,
      metadata: options.metadata ?? null,
      ...(options.expiration !== undefined ? { expiration: options.expiration } : {}),
    };
    await this.#write(call.key, entry, () => this.store.put(call.key, bytes, raw), true);
    return { kind: "done" };
  }

  async #delete(call: Call<"delete">): Promise<KvAnswer> {
    this.#spend("deletes", 1);
    await this.#fault(call);
    if (!this.production) {
      await this.store.delete(call.key);
      return { kind: "done" };
    }
    const limited = this.state.config.writeRate.deletesCount;
    await this.#write(call.key, null, () => this.store.delete(call.key), limited);
    return { kind: "done" };
  }

  async #list(call: Call<"list">): Promise<KvAnswer> {
    const { limit, prefix } = validateList(call);
    if (!this.production) {
      this.#spend("lists", 1);
      await this.#fault(call);
      const page = await this.store.list({
        ...numbers({ limit: call.limit }),
        ...(call.prefix !== undefined ? { prefix: call.prefix } : {}),
        ...(call.cursor !== undefined ? { cursor: call.cursor } : {}),
      });
      return {
        kind: "json",
        value: listBody(page.keys, page.list_complete ? undefined : page.cursor),
      };
    }
    const cursor = call.cursor ? await this.state.cursors.open(call.cursor, prefix) : undefined;
    this.#spend("lists", 1);
    await this.#fault(call);
    const now = this.store.now();
    const cache = this.state.cacheFor(this.isolate);
    const id = JSON.stringify([prefix ?? null, cursor ?? null, limit]);
    const ttlMs = this.state.config.edgeCacheTtlMs;
    const hit = cache.readList(id, now, ttlMs);
    if (hit) return { kind: "json", value: hit.page, cacheStatus: HIT };
    const page = await this.store.list({
      limit,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    const keys = this.#replicatedKeys(page.keys, now);
    const next = page.list_complete
      ? undefined
      : await this.state.cursors.seal(page.cursor, prefix);
    const body = listBody(keys, next);
    const arrival = this.state.replication.nextArrivalUnder(prefix ?? "", this.isolate, now);
    cache.writeList(id, body, now, Math.min(now + ttlMs, arrival ?? Infinity));
    return { kind: "json", value: body, cacheStatus: MISS };
  }

  /** A list page as this location sees it: keys whose writes have not reached it look older. */
  #replicatedKeys(keys: KVNamespaceListKey<unknown>[], now: number): KVNamespaceListKey<unknown>[] {
    const out: KVNamespaceListKey<unknown>[] = [];
    for (const key of keys) {
      const seen = this.state.replication.visible(key.name, this.isolate, now);
      if (!seen) {
        out.push(key);
        continue;
      }
      const entry = alive(seen.entry, now);
      if (!entry) continue;
      out.push({
        name: key.name,
        ...(entry.expiration !== undefined ? { expiration: entry.expiration } : {}),
        ...(entry.metadata !== null && entry.metadata !== undefined
          ? { metadata: entry.metadata }
          : {}),
      });
    }
    return out;
  }

  /** Production read of one key through this location's edge cache and the replication model. */
  async #read(
    key: string,
    cacheTtl: number | undefined,
  ): Promise<{ entry: StoredEntry | null; cacheStatus: string }> {
    const now = this.store.now();
    const ttlMs = cacheTtl !== undefined ? cacheTtl * 1000 : this.state.config.edgeCacheTtlMs;
    const cache = this.state.cacheFor(this.isolate);
    const hit = cache.read(key, now, ttlMs);
    if (hit) return { entry: alive(hit.entry, now), cacheStatus: HIT };
    // The store is read in two calls (bytes, then expiration): a write applied in between would
    // give old bytes a new expiration, and caching what was read before a write that already
    // dropped this location's copy would hide the write from its own writer. A read that a
    // write overlapped is done again; only one no write overlapped is cached.
    for (let attempt = 0; ; attempt++) {
      const seen = this.state.replication.visible(key, this.isolate, now);
      if (seen) {
        const entry = alive(seen.entry, now);
        return { entry, cacheStatus: this.#cache(key, entry, now, ttlMs) };
      }
      const marks = this.state.writeMarks;
      const since = marks.readBegins();
      let overlapped: boolean;
      let entry: StoredEntry | null;
      try {
        entry = await this.store.entry(key);
      } finally {
        overlapped = marks.readEnds(key, since);
      }
      if (!overlapped) return { entry, cacheStatus: this.#cache(key, entry, now, ttlMs) };
      if (attempt === 2) return { entry, cacheStatus: MISS };
    }
  }

  /** Keep a read in this location's edge cache; its cache status. */
  #cache(key: string, entry: StoredEntry | null, now: number, ttlMs: number): string {
    // Expiry takes precedence over caching; a cached old version ends when a newer write arrives.
    const arrival = this.state.replication.nextArrival(key, this.isolate, now);
    const until = Math.min(
      now + ttlMs,
      entry?.expiration !== undefined ? entry.expiration * 1000 : Infinity,
      arrival ?? Infinity,
    );
    this.state.cacheFor(this.isolate).write(key, entry, now, until);
    return MISS;
  }

  /**
   * Production write (`entry` null: delete). The same-key slot is taken before anything is
   * awaited; accepted writes reach the store in the order they were accepted.
   */
  async #write(
    key: string,
    entry: StoredEntry | null,
    apply: () => Promise<void>,
    limited: boolean,
  ): Promise<void> {
    const { state } = this;
    const at = this.store.now();
    if (limited && !state.writeLimit.tryAcquire(key, at)) {
      state.countsFor(this.isolate).rateLimited += 1;
      throw kvStatusError("PUT", 429);
    }
    await state.inOrder(key, async () => {
      const base = state.replication.tracks(key, this.store.now())
        ? null
        : await this.store.entry(key);
      state.writeMarks.mark(key);
      try {
        await apply();
      } catch (e) {
        if (limited) state.writeLimit.release(key, at);
        throw e;
      } finally {
        state.writeMarks.mark(key);
      }
      state.replication.record(key, entry, this.isolate, this.store.now(), base);
      if (state.config.writerSeesOwnWrites) {
        state.cacheFor(this.isolate).drop(key);
        state.cacheFor(this.isolate).dropLists();
      }
    });
  }

  #spend(kind: keyof DailyCounts, n: number): void {
    this.state.daily?.spend(kind, n, this.store.now());
  }

  /** Let the first matching fault rule act on the call. */
  async #fault(call: KvCall): Promise<void> {
    const { op, bulk } = faultOpOf(call);
    const keys = call.op === "bulk" ? (call.keys as string[]) : undefined;
    const key =
      call.op === "list" ? (call.prefix ?? "") : call.op === "bulk" ? (keys?.[0] ?? "") : call.key;
    const rule = this.state.faults.decide({
      service: "kv",
      op,
      key,
      ...(keys ? { keys } : {}),
      isolate: this.isolate,
      binding: this.state.binding,
    });
    if (rule) await this.#apply(rule, call, op, bulk);
  }

  async #apply(
    rule: FaultRule,
    call: KvCall,
    op: ReturnType<typeof faultOpOf>["op"],
    bulk: boolean,
  ) {
    const counts = this.state.countsFor(this.isolate);
    switch (rule.kind) {
      case "latency": {
        const ms = (rule.ms ?? 0) + this.state.faults.fraction(rule.id) * (rule.jitterMs ?? 0);
        await this.state.faults.hold(rule.id, ms);
        return;
      }
      case "hang":
        await sleep(rule.ms ?? 30_000);
        counts.faults += 1;
        throw networkError();
      case "network":
        counts.faults += 1;
        throw networkError();
      case "error": {
        counts.faults += 1;
        const status = rule.status ?? 500;
        if (status === 400 || status === 413 || status === 414) {
          throw injectedClientError(op, bulk, status, rule.reason);
        }
        // The METHOD label is workerd's, on the Worker's side; only status and text travel.
        throw kvStatusError(call.op === "put" ? "PUT" : "GET", status);
      }
    }
  }
}

/** Expiry takes precedence: an entry past its expiration is missing. */
function alive(entry: StoredEntry | null, now: number): StoredEntry | null {
  return entry && entry.expiration !== undefined && entry.expiration * 1000 <= now ? null : entry;
}

function bulkValue(text: string, type: BulkType): unknown {
  if (type === "text") return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new KvServiceError(
      400,
      "At least one of the requested keys corresponds to a non-json value",
    );
  }
}

/** KV's list wire format: metadata travels as JSON text, which workerd parses back. */
function listBody(keys: KVNamespaceListKey<unknown>[], cursor: string | undefined) {
  return {
    keys: keys.map((k) => ({
      name: k.name,
      ...(k.expiration !== undefined ? { expiration: k.expiration } : {}),
      ...(k.metadata !== undefined ? { metadata: JSON.stringify(k.metadata) } : {}),
    })),
    list_complete: cursor === undefined,
    ...(cursor !== undefined ? { cursor } : {}),
  };
}
