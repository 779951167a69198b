/**
 * @module bench/store-builder
 * Builds a persisted store of N shares when no earlier section left one (e.g. `--only boot`).
 */
import { createShareHarness } from "../harness/share/index.js";
import type { BenchContext, SeededStore } from "./context.js";
import { loadEntries, shareEntries } from "./store.js";

export async function buildStore(
  ctx: BenchContext,
  count: number,
  label: string,
): Promise<SeededStore> {
  const dir = ctx.tempDir(`store-${label}`);
  const harness = await createShareHarness({ persistTo: dir });
  try {
    ctx.log(`building a store of ${count} shares (in-workerd bulk load)`);
    const entries = shareEntries(count, 7, harness.clock.now());
    await loadEntries(harness, entries);
    ctx.store = { dir, entries };
    return ctx.store;
  } finally {
    await harness.dispose();
  }
}
