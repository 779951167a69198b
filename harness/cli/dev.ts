/**
 * @module harness/cli/dev
 * `npm run dev`: the share Worker on a local harness at http://127.0.0.1:8787, with the control
 * API under /__harness/. Ctrl-C or SIGTERM stops it and leaves the store on disk.
 */
import { CliError, EXIT_FAILURE, HelpShown } from "./cli-error";
import { resolveDevConfig } from "./dev-config";
import { parseDevArgs } from "./dev-options";
import { ownSignals } from "./own-signals";

const print = {
  info: (line: string) => console.log(line),
  warn: (line: string) => console.error(line),
};

async function main(): Promise<void> {
  const options = parseDevArgs(process.argv.slice(2));
  const config = resolveDevConfig(options);
  // Loaded after the flags and var files are checked, so a typo fails fast without Miniflare.
  const { startDevSession } = await import("./dev-session");
  const session = await startDevSession(options, print, config);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      print.warn(`${signal} again: exiting without waiting for cleanup.`);
      process.exit(130);
    }
    print.info(`${signal}: stopping...`);
    session.stop().then(
      () => {
        print.info(`Stopped. ${session.keeps}`);
        process.exit(0);
      },
      (err: unknown) => {
        print.warn(`Stopping failed: ${(err as Error).message}`);
        process.exit(EXIT_FAILURE);
      },
    );
  };
  ownSignals(shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof HelpShown) process.exit(0);
  if (err instanceof CliError) {
    print.warn(`npm run dev: ${err.message}`);
    process.exit(err.exitCode);
  }
  print.warn(`npm run dev: the harness failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(EXIT_FAILURE);
});
