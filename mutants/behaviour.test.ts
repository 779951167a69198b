import { afterAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../harness/share/index.js";
import type { Harness, HarnessOptions } from "../harness/types.js";
import { mutants, type Mutant } from "./index.js";
import { CHECK_ADMIN_TOKEN } from "./observe.js";

// Each mutant's check runs on the correct Worker and on the mutant: the correct Worker answers
// what the catalog says it does, and the mutant answers something else a user would see.

function options(m: Mutant, patched: boolean): HarnessOptions {
  const { vars, ...rest } = m.shows.harness;
  return {
    ...rest,
    persistTo: "temp",
    vars: { ADMIN_TOKEN: CHECK_ADMIN_TOKEN, ...vars },
    rateLimits: { SHARE_CREATE_LIMITER: { limit: 100_000, period: 60 } },
    ...(patched ? { sourcePatches: m.patches } : {}),
  };
}

// The correct Worker, one per set of options, reset (empty store, new isolates) before each check.
const correct = new Map<string, Promise<Harness>>();
afterAll(async () => {
  const booted = await Promise.allSettled(correct.values());
  await Promise.all(booted.map((b) => (b.status === "fulfilled" ? b.value.dispose() : undefined)));
});

async function correctAnswer(m: Mutant): Promise<unknown> {
  const opts = options(m, false);
  const key = JSON.stringify(opts);
  if (!correct.has(key)) correct.set(key, createShareHarness(opts));
  const h = await correct.get(key)!;
  await h.reset();
  return m.shows.run(h);
}

async function mutantAnswer(m: Mutant): Promise<unknown> {
  await using h = await createShareHarness(options(m, true));
  try {
    return await m.shows.run(h);
  } catch (error) {
    // A mutant may break the steps themselves (a create that fails): that is what the user sees.
    return `the steps failed: ${(error as Error).message}`;
  }
}

describe("every mutant changes what a user sees", () => {
  it.each(mutants.map((m) => [m.name, m] as const))("%s", async (_name, m) => {
    expect(await correctAnswer(m), `the correct Worker: ${m.shows.steps}`).toEqual(m.shows.correct);
    expect(await mutantAnswer(m), `the mutant: ${m.shows.steps}`).not.toEqual(m.shows.correct);
  });
});
