/**
 * @module testing/miniflare-env
 * Test support: one Miniflare per test file giving real KV and R2 bindings, a counting/failing
 * wrapper around the real KV proxy (production error messages on chosen ops), and request helpers.
 * `useMiniflareEnv()` registers the per-file set-up and per-test reset in one call.
 */
import { startBindings } from "../../harness/node/runtime.js";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createApp } from "../app.js";
import { setClock } from "../clock.js";
import type { Env } from "../env.js";
import { resetIsolateState } from "../state.js";
import type { KvBinding, ListOptions, PutOptions } from "../storage/types.js";

export type KvOp = "get" | "getMany" | "getWithMetadata" | "put" | "delete" | "list";

export interface CountingKv extends KvBinding {
  calls: Record<KvOp, number>;
  /** Ops that throw `failMessage` instead of reaching KV. */
  failing: Set<KvOp>;
  failMessage: string;
  /** Ops that never answer (to exercise KV_OP_TIMEOUT_MS). */
  hanging: Set<KvOp>;
  reset(): void;
}

/** `inner` may be a getter, for a binding that only exists once Miniflare has started. */
export function countingKv(inner: KvBinding | (() => KvBinding)): CountingKv {
  const binding = typeof inner === "function" ? inner : () => inner;
  const calls: Record<KvOp, number> = {
    get: 0,
    getMany: 0,
    getWithMetadata: 0,
    put: 0,
    delete: 0,
    list: 0,
  };
  const wrapper = {
    calls,
    failing: new Set<KvOp>(),
    failMessage: "KV GET failed: 503 Service Temporarily Unavailable",
    hanging: new Set<KvOp>(),
    reset() {
      for (const k of Object.keys(calls) as KvOp[]) calls[k] = 0;
      wrapper.failing.clear();
      wrapper.hanging.clear();
    },
    async run<T>(op: KvOp, fn: () => Promise<T>): Promise<T> {
      calls[op]++;
      if (wrapper.failing.has(op)) throw new Error(wrapper.failMessage);
      if (wrapper.hanging.has(op)) return new Promise<T>(() => {});
      return fn();
    },
    get(key: string | string[], options: { type: "text" }) {
      if (Array.isArray(key)) return wrapper.run("getMany", () => binding().get(key, options));
      return wrapper.run("get", () => binding().get(key, options));
    },
    getWithMetadata(key: string, options: { type: "text" }) {
      return wrapper.run("getWithMetadata", () => binding().getWithMetadata(key, options));
    },
    put(key: string, value: string, options?: PutOptions) {
      return wrapper.run("put", () => binding().put(key, value, options));
    },
    delete(key: string) {
      return wrapper.run("delete", () => binding().delete(key));
    },
    list(options?: ListOptions) {
      return wrapper.run("list", () => binding().list(options));
    },
  };
  return wrapper as unknown as CountingKv;
}

export interface TestWorld {
  mf: { dispose(): Promise<void> };
  kv: KvBinding;
  r2: R2Bucket;
}

export async function startMiniflare(): Promise<TestWorld> {
  const started = await startBindings();
  return { mf: started, kv: started.kv as unknown as KvBinding, r2: started.r2 };
}

/** Delete every key, so each test starts from an empty namespace. */
export async function clearKv(kv: KvBinding): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}

export interface MiniflareEnv {
  /** This file's Miniflare bindings; read them inside hooks and tests (after `beforeAll`). */
  world: TestWorld;
  /** Counting/failing wrapper around `world.kv`; calls and faults are reset before each test. */
  kv: CountingKv;
}

/**
 * One Miniflare for the calling test file: boots it in `beforeAll`, disposes it in `afterAll`,
 * and before each test puts the clock back on `Date.now()`, resets the isolate state, empties KV
 * and resets the counting wrapper. `world` and `kv` can be destructured at the top of the file.
 * @example const { world, kv } = useMiniflareEnv();
 */
export function useMiniflareEnv(): MiniflareEnv {
  let started: TestWorld | undefined;
  const current = (): TestWorld => {
    if (!started) throw new Error("useMiniflareEnv: Miniflare only runs inside hooks and tests");
    return started;
  };
  const world: TestWorld = {
    get mf() {
      return current().mf;
    },
    get kv() {
      return current().kv;
    },
    get r2() {
      return current().r2;
    },
  };
  const kv = countingKv(() => current().kv);
  beforeAll(async () => {
    started = await startMiniflare();
  });
  afterAll(async () => {
    await started?.mf.dispose();
    started = undefined;
  });
  beforeEach(async () => {
    setClock(() => Date.now());
    resetIsolateState();
    await clearKv(world.kv);
    kv.reset();
  });
  return { world, kv };
}

/** Small retry values keep failure tests fast. */
export const FAST_VARS = {
  KV_RETRY_BASE_MS: "1",
  KV_RETRY_MAX_ATTEMPTS: "3",
  ADMIN_TOKEN: "test-admin-token",
} satisfies Partial<Env>;

export function envFor(
  backend: "memory" | "kv",
  world: TestWorld,
  kv: KvBinding = world.kv,
  extra: Partial<Env> = {},
): Env {
  return {
    ...FAST_VARS,
    STORAGE_BACKEND: backend,
    SHARE_IMAGES: world.r2,
    ...(backend === "kv" ? { SHARE_DATA_KV: kv as unknown as KVNamespace } : {}),
    ...extra,
  };
}

const app = createApp();

export function request(env: Env, path: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(path, init, env));
}

export function postShare(env: Env, body: unknown): Promise<Response> {
  return request(env, "/api/share", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function validBody(n = 1): Record<string, unknown> {
  return {
    generatedUrl: `https://img.example.com/gen/${n}.png`,
    originalUrl: `https://img.example.com/orig/${n}.jpg`,
    prompt: `prompt number ${n}`,
    style: "watercolor",
  };
}
