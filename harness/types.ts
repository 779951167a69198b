/**
 * @module harness/types
 * The public contract of the harness: what tests, suites, the dev server, fixtures and the
 * dashboard rely on. Implementations live beside this file; keep this file free of logic.
 */
import type { RequestHandler } from "msw";
import type { HarnessPlugin } from "./node/plugin.js";

/**
 * `miniflare`: plain Miniflare KV. `production`: 1 write/s per key, per-location edge caches,
 * replication delay, opaque cursors, `cacheStatus`, 1000 operations per invocation.
 */
export type KvProfile = "miniflare" | "production";

/** KV operations as the Worker calls them. Bulk `get([...])` counts as `get`. */
export type KvOp = "get" | "getWithMetadata" | "put" | "delete" | "list";

/** R2 bucket operations as the Worker calls them (a bulk `delete([...])` counts as `delete`). */
export type R2Op = "get" | "head" | "put" | "delete" | "list";

/** Which storage service a fault rule acts on. */
export type FaultService = "kv" | "r2";

/**
 * One fault rule. Flat so it reads well as JSON in the control API and in fixtures.
 * `when` fields: none means every matching op; `probability` (0..1, deterministic per `seed`);
 * `first: n` fires on the first n matching ops; `after: n` fires on every matching op after n.
 */
export interface FaultRule {
  /** Assigned by the harness when omitted. */
  id?: string;
  /** `kv` (default): the Worker's KV namespaces; `r2`: its R2 buckets. */
  service?: FaultService;
  /** KV: a {@link KvOp}; R2: an {@link R2Op} (`head` is R2's, `getWithMetadata` KV's). */
  op: KvOp | R2Op | "any";
  /** Only keys starting with this prefix (list: the list prefix). */
  prefix?: string;
  /** Only this isolate (0-based); all when omitted. */
  isolate?: number;
  /**
   * Only this KV namespace (or, for `service: "r2"`, this R2 bucket), by the Worker's binding
   * name (wrangler.jsonc); all when omitted.
   */
  binding?: string;
  kind: "error" | "network" | "latency" | "hang";
  /**
   * For `error`; the Worker sees the exact production message. 429, 500, 503: the KV service
   * failed. 400 (get/getWithMetadata: invalid cache_ttl; put: invalid expiration_ttl; list:
   * invalid key_count_limit), 413 (put: value too large, or metadata with `reason: "metadata"`),
   * 414 (key too long): the limit errors. A 400 rule with `op: "any"` skips deletes, a 413 rule
   * everything but put. R2 takes 429, 500 and 503 only: workerd's own `R2Error` with R2's code
   * (10058 TooManyRequests, 10001 InternalError, 10043 ServiceUnavailable).
   */
  status?: 400 | 413 | 414 | 429 | 500 | 503;
  /** For status 413: which limit the put broke. Default `"value"`. */
  reason?: "value" | "metadata";
  /** For `latency`: delay in ms; for `hang`: how long before it fails with a network error. */
  ms?: number;
  /** For `latency`: uniform jitter added on top, 0..jitterMs. */
  jitterMs?: number;
  probability?: number;
  seed?: number;
  first?: number;
  after?: number;
}

/** Requests allowed per client key in each `period` seconds (Cloudflare allows 10 or 60). */
export interface RateLimitOverride {
  limit: number;
  period: 10 | 60;
}

/** Per-isolate KV operation counters, as seen by the KV layer (after the Worker's own cache). */
export interface KvCounters {
  reads: number;
  writes: number;
  deletes: number;
  lists: number;
  /** Operations that failed because a fault rule fired. */
  faults: number;
  /** Writes refused with 429 by the production profile's 1 write/s/key limit. */
  rateLimited: number;
}

export interface CountersReport {
  total: KvCounters;
  isolates: KvCounters[];
}

/** One KV entry in a snapshot. `expiration` is seconds since the epoch (as KV reports it). */
export interface KvSnapshotEntry {
  key: string;
  value: string;
  /** `base64` for values that are not valid UTF-8. */
  encoding?: "utf8" | "base64";
  metadata?: unknown;
  expiration?: number;
}

export interface KvSnapshot {
  version: 1;
  /** Virtual time (ms since epoch) when the snapshot was taken. */
  takenAt: number;
  entries: KvSnapshotEntry[];
}

/** A Worker log line captured from workerd's stdout, parsed when it is JSON. */
export interface LogLine {
  /** Virtual time when captured. */
  at: number;
  text: string;
  json?: Record<string, unknown>;
}

/**
 * A source edit applied to the Worker's code at bundle time (test variants such as mutants).
 * `file` is relative to the project root (`src/shares/store.ts`); `find` must occur exactly once.
 */
export interface SourcePatch {
  file: string;
  find: string;
  replace: string;
}

export interface HarnessOptions {
  /**
   * Options only the Worker's plugin gives meaning to (the share Worker's `{ backend }`), checked
   * against the plugin's `options` schema; the core passes them on (vars, siblings, sessions) and
   * reports them, resolved, in `options.plugin` and the state.
   */
  pluginOptions?: Record<string, unknown>;
  /**
   * Root of persisted state (KV under `v3/kv`, R2 under `v3/r2`), the same layout `wrangler dev`
   * uses. Default `.wrangler/state`. `"temp"` makes a temporary directory removed on dispose.
   */
  persistTo?: string | "temp";
  /** Number of Worker instances (isolates / locations) on one KV namespace. Default 1. */
  isolates?: number;
  profile?: KvProfile;
  /** Production profile: does the writing isolate see its own write at once? Default true. */
  writerSeesOwnWrites?: boolean;
  /**
   * Production profile: how long a location's edge cache keeps a read without `cacheTtl`, in ms
   * (at least 60 000). Default 60 000. A read's own `cacheTtl` (seconds, >= 30) overrides it.
   */
  edgeCacheTtlMs?: number;
  /**
   * Production profile: the same-key write limit. `burst`: extra writes to one key accepted
   * within one second (default 0, the documented 1 per second; bursts are reported to pass in
   * production). `deletesCount`: deletes take a write slot too (default true).
   */
  writeRate?: { burst?: number; deletesCount?: boolean };
  /**
   * Production profile: a write reaches each other location after a delay drawn (seeded) from
   * [0, replicationWindowMs]. Default 60 000. 0 makes every write visible everywhere at once.
   */
  replicationWindowMs?: number;
  /**
   * Operation limits. `opsPerInvocation`: KV calls one Worker invocation may make (default 1000
   * in the production profile, none in the miniflare profile; `false` for none). `daily`: the
   * free plan's daily counts (`"free"`: 100k reads, 1k writes, 1k deletes, 1k lists per UTC day),
   * off by default.
   */
  limits?: {
    opsPerInvocation?: number | false;
    daily?: "free" | { reads: number; writes: number; deletes: number; lists: number } | false;
  };
  /** Extra or overriding Worker vars/secrets (ADMIN_TOKEN, KV_WRITE_FALLBACK, ...). */
  vars?: Record<string, string>;
  /**
   * Other numbers for wrangler.jsonc's `ratelimits` bindings, in this harness only, by binding name:
   * `{ SHARE_CREATE_LIMITER: { limit: 1000, period: 60 } }` lets one test client create 1000
   * shares a minute. Default: what wrangler.jsonc deploys. Windows follow real time, not `clock`.
   */
  rateLimits?: Record<string, RateLimitOverride>;
  /** msw handlers answering the Worker's outbound fetch; unmatched requests fail. */
  handlers?: RequestHandler[];
  /** Initial virtual time (ms since epoch). Default: real now, or the persisted clock. */
  clockStart?: number;
  /** Seed for probabilistic fault rules without their own seed. */
  seed?: number;
  /** Echo Worker log lines to the terminal. Default false. */
  printLogs?: boolean;
  /**
   * Edits applied to the Worker's sources when bundling (never to the deployed bundle). A patch
   * whose `find` does not occur exactly once fails the boot with `PATCH_MISMATCH`.
   */
  sourcePatches?: SourcePatch[];
}

export interface HarnessKv {
  get(key: string): Promise<string | null>;
  getWithMetadata(
    key: string,
  ): Promise<{ value: string | null; metadata: unknown; expiration?: number }>;
  put(
    key: string,
    value: string,
    options?: { expirationTtl?: number; expiration?: number; metadata?: unknown },
  ): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string; expiration?: number; metadata?: unknown }[];
    list_complete: boolean;
    cursor?: string;
  }>;
  snapshot(options?: { prefix?: string }): Promise<KvSnapshot>;
  load(snapshot: KvSnapshot): Promise<void>;
  clear(): Promise<void>;
}

/** One KV namespace from Node: direct access, and the counters of this namespace only. */
export interface HarnessKvNamespace extends HarnessKv {
  counters(): Promise<CountersReport>;
}

export interface HarnessClock {
  now(): number;
  advance(ms: number): Promise<void>;
  set(epochMs: number): Promise<void>;
}

/** Something the boot-time store check found in the persisted KV store (and what it did). */
export interface StoreProblem {
  /** The database file, relative to the persist root. */
  database: string;
  key?: string;
  problem: string;
  /** What was done about it; absent when nothing could be done. */
  repair?: string;
}

export interface HarnessState {
  /** The plugin's options, resolved (the share Worker's `backend`); `{}` without a plugin. */
  plugin: Record<string, unknown>;
  profile: KvProfile;
  isolates: number;
  persistTo: string;
  clock: number;
  rules: FaultRule[];
  counters: CountersReport;
  restarts: number;
  /** What the store check found when the harness booted on this store (empty when clean). */
  storeProblems?: StoreProblem[];
}

export interface Harness extends AsyncDisposable {
  readonly options: Required<Pick<HarnessOptions, "isolates" | "profile">> & {
    /** The plugin's options, resolved with its defaults; `{}` without a plugin. */
    plugin: Readonly<Record<string, unknown>>;
  };
  /** Dispatch a request to an isolate (default 0). Relative URLs resolve against http://localhost. */
  fetch(input: string | Request, init?: RequestInit, isolate?: number): Promise<Response>;
  /** Stop and boot the runtime on the same persisted state. Resolves with how long it took. */
  restart(): Promise<{ ms: number }>;
  /** SIGKILL the workerd process (no clean shutdown), then boot again on the same state. */
  crashAndRecover(): Promise<{ ms: number }>;
  /**
   * Start over on the running runtime, without a reboot: an empty KV store, no fault rules, zero
   * counters, empty edge caches, no logs, the boot's outbound handlers, and every isolate's memory
   * dropped as a new isolate starts. The clock keeps its time; R2 objects are kept.
   */
  reset(): Promise<void>;
  dispose(): Promise<void>;
  /** What the Worker's plugin adds (none for a Worker booted without one). */
  readonly plugin: HarnessPlugin | undefined;
  /** Boot another harness of the same Worker (its config and plugin) with `options`. */
  createSibling(options?: HarnessOptions): Promise<Harness>;
  /**
   * Direct store access from Node: bypasses the Worker's cache and the emulated edge caches. The
   * first KV namespace wrangler.jsonc declares (each one: {@link Harness.kvNamespaces}).
   */
  kv: HarnessKv;
  /** Every KV namespace by the Worker's binding name: direct access and its own counters. */
  kvNamespaces: Record<string, HarnessKvNamespace>;
  r2: {
    get(key: string): Promise<{ body: Uint8Array; contentType?: string } | null>;
    /** Write an object into the Worker's bucket, as `R2Bucket.put` with `httpMetadata`. */
    put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
    list(prefix?: string): Promise<string[]>;
    delete(...keys: string[]): Promise<void>;
    /** Delete every object (under `prefix`); nothing to do when wrangler.jsonc binds no bucket. */
    clear(prefix?: string): Promise<void>;
  };
  counters(): Promise<CountersReport>;
  resetCounters(): Promise<void>;
  faults: {
    add(rule: FaultRule): Promise<FaultRule>;
    set(rules: FaultRule[]): Promise<FaultRule[]>;
    list(): Promise<FaultRule[]>;
    clear(): Promise<void>;
  };
  clock: HarnessClock;
  logs: {
    all(): LogLine[];
    clear(): void;
  };
  /** Replace the msw handlers for outbound fetch at runtime. */
  useHandlers(...handlers: RequestHandler[]): void;
  state(): Promise<HarnessState>;
}
