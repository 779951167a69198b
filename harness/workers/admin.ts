/**
 * @module harness/workers/admin
 * The Node-side control surface of the kv-layer worker: direct store access (virtual expiry, no
 * faults, no edge caches, not counted, seen at once everywhere), fault rules, counters and the
 * clock offset. Reached only by Node's `dispatchFetch`; share workers have no binding to it.
 */
import type { CountersReport, KvCounters, KvSnapshot, KvSnapshotEntry } from "../types.js";
import type { LayerState } from "./layer-state.js";
import { VirtualStore } from "./virtual-store.js";

export type AdminCommand = { cmd: string } & Record<string, unknown>;

type OpCounts = Pick<KvCounters, "reads" | "writes" | "deletes" | "lists">;

/** The isolates that count their own KV operations. */
export interface Peers {
  counts(): Promise<[number, OpCounts][]>;
  reset(): Promise<void>;
}

const ZERO: KvCounters = { reads: 0, writes: 0, deletes: 0, lists: 0, faults: 0, rateLimited: 0 };

/** Per-isolate counters: operations counted in each isolate, faults and 429s in the layer. */
async function report(state: LayerState, peers: Peers): Promise<CountersReport> {
  const isolates: KvCounters[] = Array.from({ length: state.config.isolates }, (_, i) => ({
    ...ZERO,
    ...state.countsFor(i),
  }));
  for (const [i, counts] of await peers.counts()) {
    const c = (isolates[i] ??= { ...ZERO, ...state.countsFor(i) });
    c.reads += counts.reads;
    c.writes += counts.writes;
    c.deletes += counts.deletes;
    c.lists += counts.lists;
  }
  const total = { ...ZERO };
  for (const c of isolates) {
    for (const k of Object.keys(total) as (keyof KvCounters)[]) total[k] += c[k];
  }
  return { total, isolates };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function listAll(store: VirtualStore, prefix?: string) {
  const keys: KVNamespaceListKey<unknown, string>[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, cursor, limit: 1000 });
    keys.push(...page.keys);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

async function snapshot(store: VirtualStore, prefix?: string): Promise<KvSnapshot> {
  const takenAt = store.now();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const keys = await listAll(store, prefix);
  const entries: KvSnapshotEntry[] = [];
  // Bulk text reads (100 keys per call); only a value that decoded lossily is read again as bytes.
  for (let i = 0; i < keys.length; i += 100) {
    const page = keys.slice(i, i + 100);
    const texts = await store.raw.get(
      page.map((k) => k.name),
      "text",
    );
    for (const key of page) {
      const text = texts.get(key.name);
      if (text === null || text === undefined) continue;
      const entry: KvSnapshotEntry = { key: key.name, value: text, encoding: "utf8" };
      if (text.includes("\uFFFD")) {
        const bytes = await store.raw.get(key.name, "arrayBuffer");
        if (bytes === null) continue;
        try {
          entry.value = decoder.decode(bytes);
        } catch {
          entry.value = toBase64(new Uint8Array(bytes));
          entry.encoding = "base64";
        }
      }
      if (key.metadata !== undefined) entry.metadata = key.metadata;
      if (key.expiration !== undefined) entry.expiration = key.expiration;
      entries.push(entry);
    }
  }
  return { version: 1, takenAt, entries };
}

async function load(store: VirtualStore, snap: KvSnapshot): Promise<void> {
  const realMin = Math.floor(Date.now() / 1000) + 60;
  const live = snap.entries.filter((e) => !store.expired(e.expiration));
  await inBatches(live, async (e) => {
    const value = e.encoding === "base64" ? fromBase64(e.value) : e.value;
    // Miniflare refuses expirations under real now + 60 s; such entries live up to a minute longer.
    const expiration = e.expiration === undefined ? undefined : Math.max(e.expiration, realMin);
    await store.raw.put(e.key, value, { metadata: e.metadata, expiration });
  });
}

/** Run `fn` over `items`, a bounded number at a time (large snapshots load in seconds, not minutes). */
async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>, size = 32): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function listObjects(bucket: R2Bucket, prefix: string | undefined): Promise<R2Object[]> {
  const objects: R2Object[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    objects.push(...page.objects);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

function requireR2(r2: R2Bucket | undefined): R2Bucket {
  if (!r2) throw new Error("wrangler.jsonc binds no R2 bucket");
  return r2;
}

/** Run one admin command; the result is sent back as JSON. */
export async function runAdmin(
  state: LayerState,
  store: VirtualStore,
  c: AdminCommand,
  peers: Peers,
  r2?: R2Bucket,
): Promise<unknown> {
  const key = c.key as string;
  switch (c.cmd) {
    case "offset.set":
      state.offsetMs = c.offsetMs as number;
      return state.offsetMs;
    case "faults.set":
      return state.faults.set(c.rules as never);
    case "faults.add":
      return state.faults.add(c.rule as never);
    case "faults.list":
      return state.faults.list();
    case "counters":
      return report(state, peers);
    case "counters.reset":
      state.resetCounts();
      await peers.reset();
      return null;
    case "layer.reset":
      state.reset();
      await peers.reset();
      return null;
    case "kv.get":
      return store.get(key, "text");
    case "kv.getWithMetadata": {
      const r = (await store.getWithMetadata(key, "text")) as {
        value: string | null;
        metadata: unknown;
      };
      if (r.value === null) return { value: null, metadata: null };
      const expiration = await store.expirationOf(key);
      return { value: r.value, metadata: r.metadata, ...(expiration ? { expiration } : {}) };
    }
    case "kv.put":
      await store.put(key, c.value as string, c.options as KVNamespacePutOptions | undefined);
      state.forget(key);
      return null;
    case "kv.delete":
      await store.delete(key);
      state.forget(key);
      return null;
    case "kv.list":
      return store.list(c.options as KVNamespaceListOptions | undefined);
    case "kv.snapshot":
      return snapshot(store, c.prefix as string | undefined);
    case "kv.load":
      await load(store, c.snapshot as KvSnapshot);
      state.forget();
      return null;
    case "kv.clear":
      // Offset 0: expired-but-stored entries are deleted too.
      await inBatches(await listAll(new VirtualStore(store.raw, () => 0)), (k) =>
        store.raw.delete(k.name),
      );
      state.forget();
      return null;
    case "r2.get": {
      const object = await requireR2(r2).get(key);
      if (!object) return null;
      const body = toBase64(new Uint8Array(await object.arrayBuffer()));
      return { body, contentType: object.httpMetadata?.contentType ?? null };
    }
    case "r2.put": {
      const contentType = c.contentType as string | null;
      await requireR2(r2).put(key, fromBase64(c.body as string), {
        ...(contentType ? { httpMetadata: { contentType } } : {}),
      });
      return null;
    }
    case "r2.list":
      return (await listObjects(requireR2(r2), c.prefix as string | undefined)).map((o) => o.key);
    case "r2.objects":
      // Real upload times: the harness maps them onto its virtual clock (image-expiry.ts).
      return (await listObjects(requireR2(r2), c.prefix as string | undefined)).map((o) => ({
        key: o.key,
        uploaded: o.uploaded.getTime(),
      }));
    case "r2.delete":
      // R2 takes up to 1000 keys per delete.
      for (let i = 0, keys = c.keys as string[]; i < keys.length; i += 1000) {
        await requireR2(r2).delete(keys.slice(i, i + 1000));
      }
      return null;
    default:
      throw new Error(`unknown admin command ${JSON.stringify(c.cmd)}`);
  }
}
