/**
 * @module suites/support/target
 * What a suite talks to: the Worker over HTTP (`fetch`) plus optional `control` of the runtime
 * behind it. Three kinds: a harness booted in this process, an isolated session on a running dev
 * server (its own store, clock, rules and isolates, dropped afterwards), or a plain URL
 * (`wrangler dev`, a deployed preview) with no control at all. Controls a target cannot offer are
 * absent; suites skip those checks with the reason.
 */
import type { RequestHandler } from "msw";
import type { Backend } from "../../harness/share/options.js";
import type {
  CountersReport,
  FaultRule,
  HarnessKv,
  KvProfile,
  LogLine,
} from "../../harness/types.js";
import type { Capabilities } from "./capabilities.js";
import type { OwnData } from "./own-data.js";

export type TargetKv = Pick<
  HarnessKv,
  "get" | "getWithMetadata" | "put" | "delete" | "list" | "snapshot" | "load"
>;

/** Runtime control. Every member is optional: a URL target may offer some or none. */
export interface TargetControl {
  restart?(): Promise<void>;
  /** SIGKILL the runtime (no clean shutdown), then boot it again on the same state. */
  crashAndRecover?(): Promise<void>;
  faults?: { add(rule: FaultRule): Promise<FaultRule>; clear(): Promise<void> };
  clock?: { now(): Promise<number>; advance(ms: number): Promise<void> };
  kv?: TargetKv;
  r2?: {
    get(key: string): Promise<{ body: Uint8Array; contentType?: string } | null>;
    /** Write an object into the Worker's bucket, as `R2Bucket.put` with `httpMetadata`. */
    put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  };
  counters?: { get(): Promise<CountersReport>; reset(): Promise<void> };
  logs?: { all(): Promise<LogLine[]> };
  /** Replace the msw handlers answering the Worker's outbound fetch (the image host). */
  useHandlers?(...handlers: RequestHandler[]): void;
}

export type TargetKind = "harness" | "session" | "url";

export interface Target {
  kind: TargetKind;
  /** What ran, for the summary: `harness`, `dev server session s-... at <url>`, or the URL. */
  label: string;
  backend: Backend;
  isolates: number;
  profile: KvProfile;
  capabilities: Capabilities;
  /** Bearer token for DELETE, when the target has one configured. */
  adminToken: string | undefined;
  /** The store was empty when the block got this target, and nobody else writes to it. */
  freshStore: boolean;
  /**
   * Every request reaches the same isolate, so per-isolate state (monitoring counters, the read
   * cache) is this block's to reason about. False for a deployed Worker (many isolates).
   */
  oneLocation: boolean;
  /**
   * Reads may race another location's cache (a deployed Worker on real KV): checks that follow a
   * write poll within the consistency window instead of asserting once.
   */
  eventual: boolean;
  /** The shares this run created here, deleted afterwards where they outlive the run. */
  own: OwnData;
  /** A request to one isolate (default 0). `path` is relative to the Worker's origin. */
  fetch(path: string, init?: RequestInit, isolate?: number): Promise<Response>;
  control: TargetControl;
  dispose(): Promise<void>;
}

/** What a block asks of its target. */
export interface TargetRequest {
  backend: Backend;
  isolates: number;
  profile: KvProfile;
  vars: Record<string, string>;
  /** Rate Limiting bindings to boot with, instead of the suites' lifted create limit. */
  rateLimits?: Record<string, { limit: number; period: 10 | 60 }>;
}

/** The admin token the suites configure on targets they boot (harness, dev-server session). */
export const SUITE_ADMIN_TOKEN = "suite-admin-token";

/**
 * The suites create many shares quickly from one client. They check the README's behaviours, not
 * the abuse limit (`reliability/security/` does), so the targets they boot lift the per-client
 * create limit; what wrangler.jsonc deploys is unchanged.
 */
export const SUITE_RATE_LIMITS = {
  SHARE_CREATE_LIMITER: { limit: 100_000, period: 60 },
} as const satisfies Record<string, { limit: number; period: 10 | 60 }>;

/** Retries fast and fail fast: the suites inject outages and must not wait seconds for them. */
export const SUITE_VARS: Readonly<Record<string, string>> = {
  KV_RETRY_BASE_MS: "2",
  KV_OP_TIMEOUT_MS: "5000",
  ADMIN_TOKEN: SUITE_ADMIN_TOKEN,
};

/** Memory-fallback mode, as the blocks that exercise it configure it (one pooled harness). */
export const FALLBACK_MODE_VARS: Readonly<Record<string, string>> = {
  KV_WRITE_FALLBACK: "memory",
  KV_RETRY_MAX_ATTEMPTS: "2",
};
