/**
 * @module scripts/ci/flake-rerun
 * The command that runs one failure of `npm run test:flake` again: its seed, its backend (a suite
 * file runs on every backend; SUITE_BACKENDS narrows it to the failing one), project, file and
 * test name, and the run's shuffle order.
 */
import type { FlakeFailure } from "./flake-reporter.js";

export function rerunCommand(f: FlakeFailure, seed: number, shuffle: boolean): string {
  const parts = [`FUZZ_SEED=${seed}`];
  if (f.backend) parts.push(`SUITE_BACKENDS=${f.backend}`);
  parts.push("npx vitest run");
  if (f.project !== "-") parts.push(`--project ${f.project}`);
  if (f.file !== "-") parts.push(f.file);
  if (!f.test.startsWith("(") && f.test !== "npm run typecheck") {
    const title = f.test.split(" > ").at(-1)!;
    parts.push(`-t ${JSON.stringify(title)}`);
  }
  if (shuffle) parts.push(`--sequence.shuffle --sequence.seed=${seed}`);
  return parts.join(" ");
}
