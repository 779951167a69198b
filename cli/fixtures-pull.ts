/**
 * @module cli/fixtures-pull
 * Entry point of `npm run fixtures:pull`; see fixtures/capture/pull-cli.ts and fixtures/README.md.
 */
import { runPullCli } from "../fixtures/capture/pull-cli.js";

process.exitCode = await runPullCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
