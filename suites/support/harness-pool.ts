/**
 * @module suites/support/harness-pool
 * Harnesses shared by the suite files one Vitest worker runs (the suites project sets
 * `isolate: false`). A block asks for a harness by the options a workerd is booted with
 * (isolates, profile, rate limits, mutant) and the Worker vars and backend it needs; an idle one
 * booted with the same options is reset to those (`HarnessImpl.reset({ vars, pluginOptions })`:
 * empty store, no rules, zero counters, fresh isolates running with the block's vars and
 * `STORAGE_BACKEND`) and handed over instead of booting another workerd, whichever backend it
 * served before. The pool lives on `globalThis`, where the suites'
 * Vitest environment (`pool-environment.ts`) finds it and disposes every harness when the worker
 * stops. Under a mutation run a harness serves only the mutant it was booted for (its bundle bakes
 * that mutant in): StrykerJS starts a new Vitest worker for each mutant, so the files one mutant's
 * run reaches share harnesses as in `npm test` instead of each booting its own workerd.
 */
import type { HarnessImpl } from "../../harness/node/create-harness.js";

interface Entry {
  key: string;
  harness: HarnessImpl;
  busy: boolean;
}

export const POOL_SYMBOL = Symbol.for("kv-share-worker.suites.harness-pool");

/** StrykerJS's active mutant in this worker (`npm run test:mutation`), else none. */
const activeMutant = () =>
  (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant ?? "";

export class HarnessPool {
  readonly #entries: Entry[] = [];

  /**
   * An idle harness booted with `options` (for the active mutant), reset to `start` (the block's
   * vars and plugin options, such as its backend); else a new one (`create` boots it with them).
   */
  async acquire(
    options: string,
    start: { vars: Record<string, string>; pluginOptions: Record<string, unknown> },
    create: () => Promise<HarnessImpl>,
  ): Promise<HarnessImpl> {
    const key = `${options}\n${activeMutant()}`;
    const idle = this.#entries.find((e) => e.key === key && !e.busy);
    if (idle) {
      idle.busy = true;
      try {
        await idle.harness.reset(start);
        return idle.harness;
      } catch {
        // A harness that cannot start over (its runtime died) is replaced.
        this.#entries.splice(this.#entries.indexOf(idle), 1);
        await idle.harness.dispose().catch(() => undefined);
      }
    }
    const harness = await create();
    this.#entries.push({ key, harness, busy: true });
    return harness;
  }

  /** Back to the pool. */
  async release(harness: HarnessImpl): Promise<void> {
    const entry = this.#entries.find((e) => e.harness === harness);
    if (!entry) return harness.dispose();
    entry.busy = false;
  }

  async disposeAll(): Promise<void> {
    const all = this.#entries.splice(0);
    await Promise.allSettled(all.map((e) => e.harness.dispose()));
  }
}

/** This worker's pool. */
export function harnessPool(): HarnessPool {
  const holder = globalThis as { [POOL_SYMBOL]?: HarnessPool };
  return (holder[POOL_SYMBOL] ??= new HarnessPool());
}
