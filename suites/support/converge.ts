/**
 * @module suites/support/converge
 * Eventual consistency on real targets: retry a check (an assertion that throws until it holds)
 * within a bounded window, backing off between attempts, and report how long it took. Never a
 * fixed sleep: a check that holds at once costs one attempt.
 */

/** KV's documented propagation window ("up to 60 seconds or more"). */
export const DEFAULT_CONSISTENCY_WINDOW_MS = 60_000;

/** `TARGET_CONSISTENCY_WINDOW_MS` (or `--consistency-window <seconds>`), else 60 s. */
export function consistencyWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TARGET_CONSISTENCY_WINDOW_MS;
  if (raw === undefined || raw === "") return DEFAULT_CONSISTENCY_WINDOW_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(
      `TARGET_CONSISTENCY_WINDOW_MS=${JSON.stringify(raw)}: give a number of milliseconds >= 0`,
    );
  }
  return ms;
}

export interface Converged {
  what: string;
  ms: number;
  attempts: number;
}

/**
 * Run `check` until it stops throwing or `windowMs` has passed; rethrow its last error, saying
 * how long it was given. Resolves with how long convergence took.
 * @example await converge("the new share is listed", async () => expect(await listed()).toContain(id), 60_000)
 */
export async function converge(
  what: string,
  check: () => Promise<void>,
  windowMs: number,
): Promise<Converged> {
  const started = performance.now();
  let delay = 50;
  for (let attempts = 1; ; attempts++) {
    try {
      await check();
      return { what, ms: Math.round(performance.now() - started), attempts };
    } catch (error) {
      const elapsed = performance.now() - started;
      if (elapsed + delay > windowMs) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `did not converge within ${Math.round(windowMs / 1000)} s (${attempts} attempts): ${what}\n${reason}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}
