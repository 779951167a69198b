/**
 * @module suites/support/target
 * What a suite talks to: the Worker over HTTP (`fetch`) plus optional `control` of the runtime
 * behind it. Two implementations: a harness booted in this process (memory or kv backend), or a
 * running URL (`TARGET_URL`), whose control comes from the dev server's `/__harness` API when it
 * answers. Controls a target cannot offer are absent; suites skip those checks with the reason.
 */
import type { RequestHandler } from "msw";
import { createHarness } from "../../harness/index";
import type {
  Backend,
  CountersReport,
  FaultRule,
  HarnessKv,
  HarnessOptions,
  KvProfile,
  KvSnapshot,
  LogLine,
} from "../../harness/types";
import { getMutant } from "../../mutants/index";
import { capabilities, type Capabilities } from "./capabilities";

export type TargetKv = Pick<
  HarnessKv,
  "get" | "getWithMetadata" | "put" | "delete" | "list" | "snapshot" | "clear"
>;

/** Runtime control. Every member is optional: a URL target may offer some or none. */
export interface TargetControl {
  restart?(): Promise<void>;
  /** SIGKILL the runtime (no clean shutdown), then boot it again on the same state. */
  crashAndRecover?(): Promise<void>;
  faults?: { add(rule: FaultRule): Promise<FaultRule>; clear(): Promise<void> };
  clock?: { now(): Promise<number>; advance(ms: number): Promise<void> };
  kv?: TargetKv;
  r2?: { get(key: string): Promise<{ body: Uint8Array; contentType?: string } | null> };
  counters?: { get(): Promise<CountersReport>; reset(): Promise<void> };
  logs?: { all(): Promise<LogLine[]> };
  /** Replace the msw handlers answering the Worker's outbound fetch (the image host). */
  useHandlers?(...handlers: RequestHandler[]): void;
}

export interface Target {
  kind: "harness" | "url";
  backend: Backend;
  isolates: number;
  profile: KvProfile;
  capabilities: Capabilities;
  /** Bearer token for DELETE, when the target has one configured. */
  adminToken: string | undefined;
  /** A request to one isolate (default 0). `path` is relative to the Worker's origin. */
  fetch(path: string, init?: RequestInit, isolate?: number): Promise<Response>;
  control: TargetControl;
  dispose(): Promise<void>;
}

export interface HarnessTargetOptions {
  backend: Backend;
  isolates?: number;
  profile?: KvProfile;
  vars?: Record<string, string>;
  /** Source patches of a named mutant (`HARNESS_MUTANT`); none when undefined. */
  mutant?: string;
}

/** The admin token the suites configure on harness targets. */
export const SUITE_ADMIN_TOKEN = "suite-admin-token";

/** Retries fast and fail fast: the suites inject outages and must not wait seconds for them. */
const SUITE_VARS = {
  KV_RETRY_BASE_MS: "2",
  KV_OP_TIMEOUT_MS: "5000",
  ADMIN_TOKEN: SUITE_ADMIN_TOKEN,
};

export async function createHarnessTarget(options: HarnessTargetOptions): Promise<Target> {
  const harnessOptions: HarnessOptions = {
    backend: options.backend,
    persistTo: "temp",
    isolates: options.isolates ?? 1,
    profile: options.profile ?? "miniflare",
    vars: { ...SUITE_VARS, ...options.vars },
    ...(options.mutant ? { sourcePatches: getMutant(options.mutant).patches } : {}),
  };
  const harness = await createHarness(harnessOptions);
  return {
    kind: "harness",
    backend: harness.options.backend,
    isolates: harness.options.isolates,
    profile: harness.options.profile,
    capabilities: capabilities[harness.options.backend],
    adminToken: harnessOptions.vars?.ADMIN_TOKEN,
    fetch: (path, init, isolate) => harness.fetch(path, init, isolate),
    control: {
      restart: async () => void (await harness.restart()),
      crashAndRecover: async () => void (await harness.crashAndRecover()),
      faults: { add: (rule) => harness.faults.add(rule), clear: () => harness.faults.clear() },
      clock: { now: async () => harness.clock.now(), advance: (ms) => harness.clock.advance(ms) },
      kv: harness.kv,
      r2: harness.r2,
      counters: { get: () => harness.counters(), reset: () => harness.resetCounters() },
      logs: { all: async () => harness.logs.all() },
      useHandlers: (...handlers) => harness.useHandlers(...handlers),
    },
    dispose: () => harness.dispose(),
  };
}

const ISOLATE_HEADER = "x-harness-isolate";

/** A running Worker at `baseUrl`; control through `/__harness` when the dev server answers it. */
export async function createUrlTarget(baseUrl: string): Promise<Target> {
  const base = baseUrl.replace(/\/+$/, "");
  const call = async (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, init);
  const json = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await call(`/__harness${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...init.headers },
    });
    if (!res.ok) throw new Error(`control API ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const health = (await (await call("/healthz")).json()) as { backend?: Backend };
  const backend: Backend = health.backend === "memory" ? "memory" : "kv";
  const stateRes = await call("/__harness/state").catch(() => undefined);
  const state =
    stateRes?.ok && (stateRes.headers.get("content-type") ?? "").includes("json")
      ? ((await stateRes.json()) as { isolates?: number; profile?: KvProfile })
      : undefined;

  const kv: TargetKv = {
    get: async (key) => (await kv.getWithMetadata(key)).value,
    getWithMetadata: async (key) => {
      const res = await call(`/__harness/kv/${encodeURIComponent(key)}`);
      if (res.status === 404) return { value: null, metadata: null };
      const body = (await res.json()) as {
        value: string;
        metadata: unknown;
        expiration: number | null;
      };
      return {
        value: body.value,
        metadata: body.metadata,
        ...(body.expiration !== null ? { expiration: body.expiration } : {}),
      };
    },
    put: async (key, value, options = {}) => {
      const { now } = await json<{ now: number }>("/clock");
      const expiration =
        options.expiration ??
        (options.expirationTtl ? Math.floor(now / 1000) + options.expirationTtl : undefined);
      const entry = { key, value, metadata: options.metadata, expiration };
      await json("/snapshot", {
        method: "PUT",
        body: JSON.stringify({ version: 1, takenAt: now, entries: [entry] }),
      });
    },
    delete: async (key) =>
      void (await json(`/kv/${encodeURIComponent(key)}`, { method: "DELETE" })),
    list: (options = {}) => {
      const query = new URLSearchParams(
        Object.entries(options)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]): [string, string] => [k, String(v)]),
      );
      return json(`/kv?${query}`);
    },
    snapshot: (options = {}) =>
      json<KvSnapshot>(
        `/snapshot${options.prefix ? `?prefix=${encodeURIComponent(options.prefix)}` : ""}`,
      ),
    clear: async () => void (await json("/kv", { method: "DELETE" })),
  };

  const control: TargetControl = state
    ? {
        restart: async () => void (await json("/restart", { method: "POST" })),
        faults: {
          add: async (rule) =>
            (
              await json<{ rule: FaultRule }>("/faults", {
                method: "POST",
                body: JSON.stringify(rule),
              })
            ).rule,
          clear: async () => void (await json("/faults", { method: "DELETE" })),
        },
        clock: {
          now: async () => (await json<{ now: number }>("/clock")).now,
          advance: async (ms) =>
            void (await json("/clock/advance", { method: "POST", body: JSON.stringify({ ms }) })),
        },
        kv,
        counters: {
          get: () => json<CountersReport>("/counters"),
          reset: async () => void (await json("/counters", { method: "DELETE" })),
        },
        logs: { all: async () => (await json<{ lines: LogLine[] }>("/logs")).lines },
      }
    : {};

  return {
    kind: "url",
    backend,
    isolates: state?.isolates ?? 1,
    profile: state?.profile ?? "miniflare",
    capabilities: capabilities[backend],
    adminToken: process.env.TARGET_ADMIN_TOKEN || undefined,
    fetch: (path, init = {}, isolate) => {
      if (isolate === undefined) return call(path, init);
      const headers = new Headers(init.headers);
      headers.set(ISOLATE_HEADER, String(isolate));
      return call(path, { ...init, headers });
    },
    control,
    dispose: async () => undefined,
  };
}
