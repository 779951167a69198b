/** @module Command-line front end: flags (commander), output streams and exit codes. */
import { createProgram, EXIT_USAGE, parseProgram } from "../../lib/program.js";
import path from "node:path";
import { SetupKvError } from "./errors.js";
import {
  DEFAULT_BINDING,
  DEFAULT_CONFIG,
  DEFAULT_IMAGES_BINDING,
  setupKvStorage,
} from "./setup.js";
import {
  createWranglerRunner,
  resolveWranglerCommand,
  type RunWrangler,
} from "./wrangler-runner.js";

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Replaces spawning wrangler (tests); the `--wrangler` choice is ignored then. */
  runWrangler?: RunWrangler;
}

const HELP_AFTER = `
Steps: \`wrangler whoami --json\` (logged in?), \`wrangler kv namespace list\` (what exists), then
\`wrangler kv namespace create <binding>\` and \`... --preview\` for whichever namespace is missing.
Existing namespaces are reused: first the id already in the config, then wrangler 4's title
(<binding>, <binding>_preview), then wrangler 3's (<worker name>-<binding>[_preview]). Running it
twice changes nothing. Only the binding's entry in kv_namespaces is edited; comments stay.
Then the image bucket (the R2 binding's bucket_name, and preview_bucket_name): \`wrangler r2 bucket
info <bucket> --json\`, \`wrangler r2 bucket create <bucket>\` if it does not exist, \`wrangler r2
bucket lifecycle list <bucket>\`, and \`wrangler r2 bucket lifecycle add <bucket> expire-share-images
images/ --expire-days 30\` unless a rule with that prefix and expiry is there (images end with their
30-day share).

Exit status: 0 done, 1 unexpected error, 2 bad flags, 3 config not found, 4 config not valid JSONC,
5 wrangler not installed, 6 not logged in, 7 no KV permission, 8 wrangler output not understood,
9 another wrangler failure, 10 no R2 permission, 11 Node.js too old for wrangler.`;

/** Runs the CLI and returns its exit status (never calls process.exit). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram("setup-kv-storage", io.stdout)
    .description(
      "Create the production and preview Workers KV namespaces for a binding (wrangler 4) and write their ids into wrangler.jsonc.",
    )
    .option(
      "--dry-run",
      "print the wrangler commands it would run and the diff of the config; change nothing",
      false,
    )
    .option("--config <path>", "wrangler config file to update", DEFAULT_CONFIG)
    .option("--binding <name>", "KV binding name; also the namespace title", DEFAULT_BINDING)
    .option(
      "--images-binding <name>",
      "R2 binding whose bucket gets the image lifecycle rule",
      DEFAULT_IMAGES_BINDING,
    )
    .option(
      "--wrangler <cmd>",
      "wrangler command (default: $WRANGLER, else ./node_modules/.bin/wrangler, else wrangler on PATH)",
    )
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", HELP_AFTER);
  const parsed = parseProgram(program, argv);
  if (parsed.kind === "help") return 0;
  if (parsed.kind === "usage") {
    io.stderr(
      `setup-kv-storage: ${parsed.reason}\nRun \`npm run setup:kv -- --help\` to see every flag.\n`,
    );
    return EXIT_USAGE;
  }
  const flags = program.opts<{
    dryRun: boolean;
    config: string;
    binding: string;
    imagesBinding: string;
    wrangler?: string;
  }>();
  const log = (line: string) => io.stdout(`${line}\n`);

  try {
    const command = resolveWranglerCommand(flags.wrangler, io.env, io.cwd);
    const runWrangler =
      io.runWrangler ?? createWranglerRunner(command, { cwd: io.cwd, env: io.env });
    const label =
      command.length === 1 && path.isAbsolute(command[0]!) ? "wrangler" : command.join(" ");
    const result = await setupKvStorage({
      config: flags.config,
      binding: flags.binding,
      imagesBinding: flags.imagesBinding,
      dryRun: flags.dryRun,
      cwd: io.cwd,
      runWrangler,
      wranglerLabel: label,
      log,
    });
    if (!flags.dryRun && (result.changed || result.images.ruleAdded.length > 0)) {
      log(
        `Done. Check with \`npx wrangler kv key list --binding ${flags.binding} --remote\`, then deploy.`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof SetupKvError) {
      io.stderr(`setup-kv-storage: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(
      `setup-kv-storage: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
