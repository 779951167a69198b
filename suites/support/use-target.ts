/**
 * @module suites/support/use-target
 * `useTarget()`: one target per describe block (beforeAll boots or opens it, afterAll disposes
 * it and deletes the run's own data), for one backend of the run (`suiteRun()`), a
 * `TARGET_URL`, and an optional `HARNESS_MUTANT`. Checks that need something the target lacks
 * are skipped with the reason printed; the reason is the same sentence wherever it applies, so
 * the summary can group skips by it.
 */
import { afterAll, beforeAll, beforeEach, inject, type TestContext } from "vitest";
import { getCurrentSuite } from "vitest/suite";
import type { Backend } from "../../harness/share/options.js";
import type { KvProfile } from "../../harness/types.js";
import { consistencyWindowMs, converge } from "./converge.js";
import { createHarnessTarget } from "./harness-target.js";
import type { Target, TargetControl, TargetRequest } from "./target.js";
import { createUrlTarget } from "./url-target.js";

export interface UseTargetOptions {
  /** Isolates (locations) on one KV namespace. Tests that use isolate 1+ call `requireIsolates`. */
  isolates?: number;
  /** The KV profile to boot (harness, session). A plain URL runs what it runs. */
  profile?: KvProfile;
  /** Worker vars this block depends on; a plain URL target cannot set them, so its checks skip. */
  vars?: Record<string, string>;
  /**
   * Rate Limiting bindings (`SHARE_CREATE_LIMITER`) for this block instead of the suites' lifted
   * limit; a plain URL target runs what it was deployed with, so its checks skip.
   */
  rateLimits?: Record<string, { limit: number; period: 10 | 60 }>;
  /** `[false, reason]`: this block does not apply to the backend; boot nothing, skip its tests. */
  onlyIf?: [boolean, string];
}

export interface TargetHandle {
  /** The booted target (throws outside tests). */
  readonly target: Target;
  /** The named control, or skip this test with the reason when the target cannot offer it. */
  control<K extends keyof TargetControl>(ctx: TestContext, key: K): NonNullable<TargetControl[K]>;
  /** Skip this test, printing why, unless `condition` holds. */
  require(ctx: TestContext, condition: boolean, reason: string): void;
  /** Skip unless this block started on an empty store it alone writes to. */
  requireFreshStore(ctx: TestContext): void;
  /** Skip unless requests can be sent to `n` isolates (locations) by number. */
  requireIsolates(ctx: TestContext, n: number): void;
  /** Skip unless DELETE can be authorised on this target. */
  requireAdmin(ctx: TestContext): void;
  /** Skip unless every request reaches one isolate whose counters and cache are ours to read. */
  requireOneLocation(ctx: TestContext): void;
  /**
   * Assert `check` now; on an eventually consistent target, retry it within the consistency
   * window and record how long it took (printed in the summary).
   */
  eventually(ctx: TestContext, what: string, check: () => Promise<void>): Promise<void>;
}

/** The backends the suites run on, in order: `SUITE_BACKENDS` (`kv`, `memory,kv`), else both. */
export function suiteBackends(): Backend[] {
  return inject("backends");
}

/** What a suite file's blocks run with: its backend, and `useTarget()` bound to it. */
export interface SuiteRun {
  backend: Backend;
  useTarget(options?: UseTargetOptions): TargetHandle;
}

/** The backend the suite file being imported again runs on (`suiteRun`). */
let importing: Backend | undefined;

/**
 * Run the suite file at `moduleUrl` once per backend of the run. A file is collected on the first
 * backend and imports itself again (`?backend=<name>`, a module of its own) for each other one, so
 * one Vitest worker runs a file on every backend: Vitest reuses a worker only within a project,
 * and one project per backend started and imported into a new worker per backend. Files are
 * collected one at a time per worker, so the copy being imported finds its backend in `importing`
 * (its `import.meta.url` does not keep the query).
 * @example const { backend, useTarget } = await suiteRun(import.meta.url);
 */
export async function suiteRun(moduleUrl: string): Promise<SuiteRun> {
  const bound = (backend: Backend): SuiteRun => ({
    backend,
    useTarget: (options) => useTargetOn(backend, options),
  });
  if (importing !== undefined) {
    const own = importing;
    importing = undefined;
    return bound(own);
  }
  const [first, ...others] = suiteBackends();
  if (first === undefined) throw new Error("suiteRun(): SUITE_BACKENDS names no backend");
  for (const backend of others) {
    const url = new URL(moduleUrl);
    url.searchParams.set("backend", backend);
    importing = backend;
    try {
      await import(/* @vite-ignore */ url.href);
    } finally {
      importing = undefined;
    }
  }
  return bound(first);
}

/** Skip reasons, worded once so the summary groups them. */
export const SKIP = {
  freshStore: "asserts the whole store: needs an empty store (a harness or a dev-server session)",
  admin: "needs an admin token for DELETE (TARGET_ADMIN_TOKEN)",
  oneLocation: "reads one isolate's counters or cache: needs a target where one isolate answers",
  isolates: (n: number) => `needs ${n} isolates addressed by number (a harness or a session)`,
  control: (key: string) => `needs control "${key}", which this target does not offer`,
  vars: "needs Worker vars set for this block, which a plain URL target cannot do",
  rateLimits: "needs its own create limit, which a plain URL target cannot set",
  backend: (served: Backend, wanted: Backend) =>
    `TARGET_URL serves the ${served} backend, this project checks ${wanted}`,
} as const;

function skip(ctx: TestContext, reason: string): never {
  console.log(`[skip] ${ctx.task.name}: ${reason}`);
  ctx.skip(reason);
  throw new Error("unreachable: ctx.skip() returned");
}

function useTargetOn(backend: Backend, options: UseTargetOptions = {}): TargetHandle {
  // Which backend the block's tests ran on, for the summary (a file runs on every backend).
  const block = getCurrentSuite().suite;
  if (block) block.meta.backend = backend;
  const url = process.env.TARGET_URL;
  let target: Target | undefined;
  let unmet: string | undefined;
  const request: TargetRequest = {
    backend,
    isolates: options.isolates ?? 1,
    profile: options.profile ?? "miniflare",
    vars: options.vars ?? {},
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  };

  beforeAll(async () => {
    if (options.onlyIf && !options.onlyIf[0]) {
      unmet = options.onlyIf[1];
      return;
    }
    target = url
      ? await createUrlTarget(url, request)
      : await createHarnessTarget(request, process.env.HARNESS_MUTANT || undefined);
    if (target.backend !== backend) unmet = SKIP.backend(target.backend, backend);
    else if (target.kind === "url" && options.vars) unmet = SKIP.vars;
    else if (target.kind === "url" && options.rateLimits) unmet = SKIP.rateLimits;
  });

  afterAll(async () => {
    await target?.dispose();
  });

  beforeEach((ctx) => {
    if (target) ctx.task.meta.target = `${target.backend}: ${target.label}`;
    if (unmet) skip(ctx, unmet);
  });

  return {
    get target(): Target {
      if (!target) throw new Error("useTarget(): the target is only available inside tests");
      return target;
    },
    control(ctx, key) {
      const member = this.target.control[key];
      if (member === undefined) skip(ctx, SKIP.control(key));
      return member as NonNullable<TargetControl[typeof key]>;
    },
    require(ctx, condition, reason) {
      if (!condition) skip(ctx, reason);
    },
    requireFreshStore(ctx) {
      if (!this.target.freshStore) skip(ctx, SKIP.freshStore);
    },
    requireIsolates(ctx, n) {
      if (this.target.isolates < n) skip(ctx, SKIP.isolates(n));
    },
    requireAdmin(ctx) {
      if (this.target.adminToken === undefined) skip(ctx, SKIP.admin);
    },
    requireOneLocation(ctx) {
      if (!this.target.oneLocation) skip(ctx, SKIP.oneLocation);
    },
    async eventually(ctx, what, check) {
      // A consistent target must hold at once: its own assertion error says why not.
      if (!this.target.eventual) return check();
      const done = await converge(what, check, consistencyWindowMs());
      (ctx.task.meta.convergence ??= []).push({ what: done.what, ms: done.ms });
      console.log(`[converged] ${what} after ${done.ms} ms (${done.attempts} attempts)`);
    },
  };
}

declare module "vitest" {
  interface TaskMeta {
    /** `backend: label` of the target the test ran against. */
    target?: string;
    /** The backend a suite block runs on (set on the block, read by the summary). */
    backend?: Backend;
    /** Eventual-consistency checks that polled, and how long each took to hold. */
    convergence?: { what: string; ms: number }[];
  }
}
