/**
 * @module scripts/ci/vitest-run-scope
 * Vitest global set-up: the run's own temp folder and process marker (`lib/run-scope.ts`), so every
 * Vitest run (`npm test`, `npm run test:kv-storage`, CI) leaves no temp folder and no process
 * behind, a crashed test file included. Cleans up when the run's main process exits; a run that
 * left anything fails, printing what it cleaned. A clean run prints nothing.
 */
import path from "node:path";
import { enterRunScope, type Leftovers } from "../../lib/run-scope.js";

const ROOT = path.join(import.meta.dirname, "../..");

export function describeLeftovers({ entries, processes }: Leftovers): string | undefined {
  if (entries.length === 0 && processes.length === 0) return undefined;
  const pids = processes.map((p) => `${p.pid} ${p.command}`);
  const parts = [
    pids.length > 0 ? `ended ${pids.length} process(es) still running (${pids.join("; ")})` : "",
    entries.length > 0
      ? `removed ${entries.length} temp entr${entries.length === 1 ? "y" : "ies"} (${entries.join(", ")})`
      : "",
  ].filter(Boolean);
  return `run scope: ${parts.join("; ")}`;
}

export default function setup(): void {
  const { swept, close } = enterRunScope(ROOT);
  if (swept.length > 0) console.log(`run scope: cleaned up after ${swept.length} killed run(s)`);
  // Not in a global teardown: Vitest runs those before it stops its workers (suite files share
  // harnesses that their workers dispose while stopping). At exit every worker is gone.
  // Anything left is a leak (a test file that crashed, or did not dispose what it started): it is
  // cleaned up, and the run fails saying what it was.
  process.once("exit", () => {
    const report = describeLeftovers(close());
    if (!report) return;
    console.error(report);
    process.exitCode = 1;
  });
}
