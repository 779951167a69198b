/**
 * @module suites/support/use-target
 * `useTarget()`: one target per describe block (beforeAll boots, afterAll disposes), for the
 * project's backend (`inject("backend")`), a `TARGET_URL`, and an optional `HARNESS_MUTANT`.
 * Checks that need something the target lacks are skipped with the reason printed.
 */
import { afterAll, beforeAll, beforeEach, inject, type TestContext } from "vitest";
import type { Backend, KvProfile } from "../../harness/types";
import { createHarnessTarget, createUrlTarget, type Target, type TargetControl } from "./target";

export interface UseTargetOptions {
  /** Isolates (locations) on one KV namespace. A URL target must already run at least this many. */
  isolates?: number;
  /** A URL target must already run this profile. */
  profile?: KvProfile;
  /** Worker vars this block depends on; a URL target cannot set them, so its checks are skipped. */
  vars?: Record<string, string>;
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
}

/** The backend of the running Vitest project (`memory` or `kv`). */
export function suiteBackend(): Backend {
  return inject("backend");
}

function skip(ctx: TestContext, reason: string): never {
  console.log(`[skip] ${ctx.task.name}: ${reason}`);
  ctx.skip(reason);
  throw new Error("unreachable: ctx.skip() returned");
}

export function useTarget(options: UseTargetOptions = {}): TargetHandle {
  const backend = suiteBackend();
  const url = process.env.TARGET_URL;
  let target: Target | undefined;
  let unmet: string | undefined;
  /** A harness always starts empty; a URL target only when its control API could reset it. */
  let freshStore = !url;

  beforeAll(async () => {
    if (options.onlyIf && !options.onlyIf[0]) {
      unmet = options.onlyIf[1];
      return;
    }
    if (!url) {
      target = await createHarnessTarget({
        backend,
        ...(options.isolates ? { isolates: options.isolates } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.vars ? { vars: options.vars } : {}),
        ...(process.env.HARNESS_MUTANT ? { mutant: process.env.HARNESS_MUTANT } : {}),
      });
      return;
    }
    target = await createUrlTarget(url);
    const { kv, restart, faults } = target.control;
    if (target.backend === backend && kv && restart && faults) {
      // Each block starts like a fresh harness: empty store, no faults, no isolate caches.
      await faults.clear();
      await kv.clear();
      await restart();
      freshStore = true;
    }
    if (target.backend !== backend) {
      unmet = `TARGET_URL serves the ${target.backend} backend, this project checks ${backend}`;
    } else if ((options.isolates ?? 1) > target.isolates) {
      unmet = `needs ${options.isolates} isolates, TARGET_URL runs ${target.isolates}`;
    } else if (options.profile && options.profile !== target.profile) {
      unmet = `needs the ${options.profile} KV profile, TARGET_URL runs ${target.profile}`;
    } else if (options.vars) {
      unmet = `needs Worker vars ${JSON.stringify(options.vars)}, which a URL target cannot set`;
    }
  });

  afterAll(async () => {
    await target?.dispose();
  });

  beforeEach((ctx) => {
    if (unmet) skip(ctx, unmet);
  });

  return {
    get target(): Target {
      if (!target) throw new Error("useTarget(): the target is only available inside tests");
      return target;
    },
    control(ctx, key) {
      const member = this.target.control[key];
      if (member === undefined) {
        skip(ctx, `needs control "${key}", which this ${this.target.kind} target does not offer`);
      }
      return member as NonNullable<TargetControl[typeof key]>;
    },
    require(ctx, condition, reason) {
      if (!condition) skip(ctx, reason);
    },
    requireFreshStore(ctx) {
      if (!freshStore) {
        skip(ctx, "asserts the whole store, but this URL target's store could not be reset");
      }
    },
  };
}
