/**
 * @module harness/workers/admin
 * The Node-side control surface of the kv-layer worker: direct store access (virtual expiry, no
 * faults, no edge caches, not counted, seen at once everywhere) to one namespace (`binding`, the
 * first declared when absent), fault rules, counters (of every namespace, or of one) and the
 * clock offset. Reached only by Node's `dispatchFetch`; the Worker's isolates have no binding to it.
 */
import type { CountersReport, KvCounters, KvSnapshot, KvSnapshotEntry } from "../types.js";
import type { CountsEntry } from "./kv-binding.js";
import type { LayerShared, LayerState } from "./layer-state.js";
import { validateKeyName } from "./kv-validate.js";
import { VirtualStore } from "./virtual-store.js";

export type AdminCommand = { cmd: string } & Record<string, unknown>;

/** The isolates that count their own KV operations. */
export interface Peers {
  counts(): Promise<CountsEntry[]>;
  reset(): Promise<void>;
}

/** One namespace of the layer: its state and its store on the virtual clock. */
export interface Namespace {
  state: LayerState;
  store: VirtualStore;
}

/** The whole layer: what the namespaces share, and each namespace by binding name. */
export interface Layer {
  shared: LayerShared;
  namespaces: Map<string, Namespace>;
}

const ZERO: KvCounters = { reads: 0, writes: 0, deletes: 0, lists: 0, faults: 0, rateLimited: 0 };

/**
 * Per-isolate counters of the namespaces in `states`: operations counted in each isolate, faults
 * and 429s in the layer.
 */
async function report(
  states: LayerState[],
  peers: Peers,
  isolateCount: number,
): Promise<CountersReport> {
  const isolates: KvCounters[] = Array.from({ length: isolateCount }, () => ({ ...ZERO }));
  const named = new Set(states.map((s) => s.binding));
  for (const state of states) {
    for (let i = 0; i < isolateCount; i++) {
      const c = isolates[i]!;
      const own = state.countsFor(i);
      c.faults += own.faults;
      c.rateLimited += own.rateLimited;
    }
  }
  for (const { binding, isolate: i, counts } of await peers.counts()) {
    if (!named.has(binding)) continue;
    const c = (isolates[i] ??= { ...ZERO });
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
/** The namespace `binding` names, or the first declared one. */
function namespaceOf(layer: Layer, binding: unknown): Namespace {
  const name =
    binding === undefined || binding === null ? layer.shared.config.bindings[0] : binding;
  const found = typeof name === "string" ? layer.namespaces.get(name) : undefined;
  if (!found) {
    const all = layer.shared.config.bindings.join(", ") || "none";
    throw new Error(`wrangler.jsonc has no KV namespace ${JSON.stringify(name)} (it has: ${all})`);
  }
  return found;
}

export async function runAdmin(
  layer: Layer,
  c: AdminCommand,
  peers: Peers,
  r2?: R2Bucket,
): Promise<unknown> {
  const key = c.key as string;
  const { shared } = layer;
  const all = [...layer.namespaces.values()].map((n) => n.state);
  switch (c.cmd) {
    case "offset.set":
      shared.offsetMs = c.offsetMs as number;
      return shared.offsetMs;
    case "faults.set":
      return shared.faults.set(c.rules as never);
    case "faults.add":
      return shared.faults.add(c.rule as never);
    case "faults.list":
      return shared.faults.list();
    case "counters": {
      const states = c.binding === undefined ? all : [namespaceOf(layer, c.binding).state];
      return report(states, peers, shared.config.isolates);
    }
    case "counters.reset":
      for (const state of all) state.resetCounts();
      await peers.reset();
      return null;
    case "layer.reset":
      for (const state of all) state.reset();
      await peers.reset();
      return null;
  }
  if (c.cmd.startsWith("kv.")) return kvCommand(namespaceOf(layer, c.binding), c, key);
  return r2Command(c, key, r2);
}

/** The admin commands that name one key: refused as KV refuses it, with KV's status. */
const ONE_KEY = new Set(["kv.get", "kv.getWithMetadata", "kv.put", "kv.delete"]);

async function kvCommand({ state, store }: Namespace, c: AdminCommand, key: string) {
  // workerd refuses "", "." and ".." with a bare TypeError; the service's own check says 400.
  if (ONE_KEY.has(c.cmd)) validateKeyName(key);
  switch (c.cmd) {
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
    default:
      throw new Error(`unknown admin command ${JSON.stringify(c.cmd)}`);
  }
}

async function r2Command(c: AdminCommand, key: string, r2: R2Bucket | undefined) {
  switch (c.cmd) {
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
