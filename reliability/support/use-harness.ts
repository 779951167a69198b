/**
 * @module reliability/support/use-harness
 * One harness per test file: created in beforeAll on a temporary store, disposed in afterAll.
 * Also: request helpers the reliability tests share.
 */
import { afterAll, beforeAll } from "vitest";
import { createShareHarness } from "../../harness/share/index.js";
import { postShare as createShare } from "../../src/client.js";
import type { Harness, HarnessOptions, KvCounters } from "../../harness/types.js";
import { harnessClient } from "./harness-client.js";

/**
 * Reliability tests send many creates from one client to find robustness bugs, not to hit the
 * abuse limit; `reliability/security/` passes the deployed numbers (or its own) where it tests it.
 */
export const LIFTED_RATE_LIMITS: HarnessOptions["rateLimits"] = {
  SHARE_CREATE_LIMITER: { limit: 1_000_000, period: 60 },
};

/**
 * @example const h = useHarness({ vars: { ADMIN_TOKEN: "t" } }); it("...", async () => h().fetch("/healthz"));
 */
export function useHarness(options: HarnessOptions = {}): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await createShareHarness({
      persistTo: "temp",
      rateLimits: LIFTED_RATE_LIMITS,
      ...options,
    });
  });
  afterAll(async () => {
    await harness?.dispose();
  });
  return () => {
    if (!harness)
      throw new Error("useHarness: the harness is not booted yet (use it inside a test)");
    return harness;
  };
}

/** KV writes + deletes the Worker made so far (all isolates). */
export async function kvMutations(harness: Harness): Promise<number> {
  const { total }: { total: KvCounters } = await harness.counters();
  return total.writes + total.deletes;
}

export async function kvReads(harness: Harness): Promise<number> {
  const { total } = await harness.counters();
  return total.reads + total.lists;
}

/** POST /api/share with a raw body (`postShare` of `src/client.ts`); `""` sends no content type. */
export function postShare(
  harness: Harness,
  body: string,
  contentType = "application/json",
): Promise<Response> {
  return createShare(harnessClient(harness), body, { contentType });
}
