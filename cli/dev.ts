/**
 * @module cli/dev
 * `npm run dev`: the share Worker on a local harness at http://127.0.0.1:8787, with the control
 * API under /__harness/. Ctrl-C or SIGTERM stops it and leaves the store on disk.
 */
import { CliError, EXIT_FAILURE } from "./cli-error.js";
import { resolveDevConfig } from "./dev-config.js";
import { parseDevArgs } from "./dev-options.js";
import { ownSignals } from "./own-signals.js";
import type { DevSession } from "./dev-session.js";
import { scopeThisCommand } from "../lib/run-scope.js";

/**
 * A repeated signal within this long of the first is the same Ctrl-C delivered again (the
 * terminal signals the whole process group, and npm and tsx each relay it); only a later one
 * means "stop waiting".
 */
const REPEAT_GRACE_MS = 3000;

const print = {
  info: (line: string) => console.log(line),
  warn: (line: string) => console.error(line),
};

async function main(): Promise<void> {
  scopeThisCommand();
  const options = parseDevArgs(process.argv.slice(2));
  if (!options) process.exit(0); // --help: commander printed it
  const config = resolveDevConfig(options);
  // Loaded after the flags and var files are checked, so a typo fails fast without Miniflare.
  const { startDevSession } = await import("./dev-session.js");
  let session: DevSession | undefined;
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C arrives more than once: from the terminal, and relayed by npm and tsx.
      if (performance.now() - stoppingSince < REPEAT_GRACE_MS) return;
      print.warn(`${signal} again: exiting without waiting for cleanup.`);
      process.exit(130);
    }
    stoppingSince = performance.now();
    print.info(`${signal}: stopping... (Ctrl-C again after a few seconds exits at once)`);
    session!.stop().then(
      () => {
        print.info(`Stopped. ${session!.keeps}`);
        process.exit(0);
      },
      (err: unknown) => {
        print.warn(`Stopping failed: ${(err as Error).message}`);
        process.exit(EXIT_FAILURE);
      },
    );
  };
  // Before the banner: a Ctrl-C the moment it shows is ours to stop cleanly, not Miniflare's
  // exit hook's (which exits at once, with no cleanup and nothing printed).
  await startDevSession(options, print, config, "src", (started) => {
    session = started;
    ownSignals(shutdown);
  });
}

main().catch((err: unknown) => {
  if (err instanceof CliError) {
    print.warn(`npm run dev: ${err.message}`);
    process.exit(err.exitCode);
  }
  print.warn(`npm run dev: the harness failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(EXIT_FAILURE);
});
