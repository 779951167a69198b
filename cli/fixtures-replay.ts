/**
 * @module cli/fixtures-replay
 * Entry point of `npm run fixtures:replay`; see fixtures/replay/replay-cli.ts and fixtures/README.md.
 */
import { runReplayCli } from "../fixtures/replay/replay-cli.js";
import { scopeThisCommand } from "../lib/run-scope.js";

scopeThisCommand();
process.exitCode = await runReplayCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
