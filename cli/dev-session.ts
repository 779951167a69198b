/**
 * @module cli/dev-session
 * One `npm run dev` session: boot the harness, seed an empty store if asked, serve it, rebuild and
 * restart on source changes, and stop cleanly with the store left on disk.
 */
import { resolve } from "node:path";
import { createShareHarness } from "../harness/share/index.js";
import { devOutboundHandlers } from "../harness/server/dev-outbound.js";
import { type DevServer, isLoopbackHost, startDevServer } from "../harness/server/dev-server.js";
import { loadFixtureInto, SessionRecorder } from "../fixtures/record/recorder.js";
import { seedPlugin } from "../fixtures/seed/seed-routes.js";
import { seedAnchor, seedShares } from "../fixtures/seed/seed-store.js";
import { type SourceWatcher, watchSources } from "../harness/server/source-watcher.js";
import type { Harness } from "../harness/types.js";
import { CliError } from "./cli-error.js";
import { bannerLines } from "./dev-banner.js";
import { type DevConfig, resolveDevConfig } from "./dev-config.js";
import type { DevOptions } from "./dev-options.js";
import { claimStore, describeOwner, type StoreClaim, StoreBusyError } from "./store-owner.js";

export interface Printer {
  info(line: string): void;
  warn(line: string): void;
}

export interface DevSession {
  readonly url: string;
  readonly harness: Harness;
  /** What stopping keeps, for the last line the CLI prints. */
  readonly keeps: string;
  /** Stop watching, close the server, dispose the harness. Safe to call twice. */
  stop(): Promise<void>;
}

async function listen(
  harness: Harness,
  options: DevOptions,
  recorder: SessionRecorder,
): Promise<DevServer> {
  try {
    return await startDevServer({
      harness,
      host: options.host,
      port: options.port,
      isolateStrategy: options.isolateStrategy,
      recorder,
      controlPlugins: [seedPlugin],
      allowedHosts: options.allowedHosts,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new CliError(
        "PORT_IN_USE",
        `Port ${options.port} on ${options.host} is already in use (another \`npm run dev\` or \`wrangler dev\`?). ` +
          `Stop it, or pass --port <n> (--port 0 picks a free one).`,
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new CliError(
        "USAGE",
        `Cannot bind --host ${options.host}: no such local address. Use 127.0.0.1.`,
      );
    }
    throw err;
  }
}

/** Hold the store for this session; another live dev server or seed on it is a clear error. */
function claimDevStore(persistTo: string): StoreClaim | undefined {
  // A temporary store is this session's own.
  if (persistTo === "temp") return undefined;
  const dir = resolve(persistTo);
  try {
    return claimStore(dir, "dev");
  } catch (err) {
    if (!(err instanceof StoreBusyError)) throw err;
    const { owner } = err;
    const use = owner.url ? ` Use it at ${owner.url}, or stop it` : " Wait for it, or stop it";
    throw new CliError(
      "STORE_IN_USE",
      `${describeOwner(owner)} is already using ${dir}.${use}, or pass --persist-to <another dir>.`,
    );
  }
}

async function seedIfEmpty(harness: Harness, options: DevOptions, print: Printer): Promise<void> {
  if (options.seedShares === 0) return;
  const { keys } = await harness.kv.list({ limit: 1 });
  if (keys.length > 0) {
    print.info(
      `--seed-shares ${options.seedShares}: the store already holds data, nothing seeded ` +
        `(to start over: npm run seed -- --clear --count ${options.seedShares} --persist-to ${options.persistTo}).`,
    );
    return;
  }
  const now = seedAnchor(harness.clock.now());
  const result = await seedShares(harness, {
    count: options.seedShares,
    seed: options.seed,
    now,
  });
  print.info(
    `Seeded ${result.written} shares and ${result.images} placeholder images (seed ${options.seed}, ` +
      `made in the 29 days before ${new Date(now).toISOString()}) into the empty store.`,
  );
}

function watchAndRestart(harness: Harness, srcDir: string, print: Printer): SourceWatcher {
  return watchSources({
    dir: srcDir,
    onChange: async (files) => {
      const shown =
        files.length > 3
          ? `${files.slice(0, 3).join(", ")} and ${files.length - 3} more`
          : files.join(", ");
      print.info(`Changed: ${shown}. Rebuilding and restarting...`);
      const { ms } = await harness.restart();
      print.info(`Restarted in ${Math.round(ms)} ms; KV data kept, isolate caches cleared.`);
    },
    onError: (err) =>
      print.warn(
        `Rebuild failed, still serving the last good build: ${(err as Error).message ?? String(err)}`,
      ),
  });
}

/**
 * Start a dev session from parsed options. `ready` runs with the session just before the banner
 * that tells the user it is up (and how to stop it): a stop requested from then on is its to handle.
 * @example
 * const options = parseDevArgs([]);
 * const session = await startDevSession(options, console, resolveDevConfig(options));
 * await session.stop();
 */
export async function startDevSession(
  options: DevOptions,
  print: Printer,
  config: DevConfig = resolveDevConfig(options),
  srcDir = "src",
  ready: (session: DevSession) => void = () => {},
): Promise<DevSession> {
  if (!isLoopbackHost(options.host)) {
    print.warn(
      `Warning: --host ${options.host} is not a loopback address. Anyone who can reach it can use the ` +
        `control API under /__harness/ (wipe the store, inject faults). Use 127.0.0.1 unless you mean it.`,
    );
  }
  const claim = claimDevStore(options.persistTo);
  // Even an exit that skips cleanup (a forced second Ctrl-C) gives the store up.
  const release = (): void => {
    process.off("exit", release);
    claim?.release();
  };
  if (claim) process.once("exit", release);
  let harness: Harness;
  try {
    harness = await createShareHarness({
      backend: config.backend,
      persistTo: options.persistTo,
      isolates: options.isolates,
      profile: options.profile,
      vars: config.vars,
      rateLimits: options.rateLimits,
      printLogs: options.logs,
      handlers: devOutboundHandlers(print),
    });
  } catch (err) {
    release();
    throw err;
  }
  let server: DevServer | undefined;
  let watcher: SourceWatcher | undefined;
  let stopping: Promise<void> | undefined;
  const recorder = new SessionRecorder({
    harness,
    harnessOptions: {
      backend: config.backend,
      profile: options.profile,
      isolates: options.isolates,
      ...(Object.keys(config.vars).length > 0 ? { vars: config.vars } : {}),
    },
    secrets: Object.fromEntries(config.secrets.map((name) => [name, config.vars[name]!])),
  });
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      watcher?.close();
      await server?.close();
      try {
        const recorded = await recorder.stop();
        if (recorded) {
          print.info(
            `Recorded ${recorded.requests} requests and ${recorded.entries} KV entries to ${recorded.file}.`,
          );
        }
      } finally {
        try {
          await harness.dispose();
        } finally {
          release();
        }
      }
    })());
  try {
    if (options.fixture) {
      const { fixture, images } = await loadFixtureInto(harness, options.fixture).catch(
        (err: Error) => {
          throw new CliError("USAGE", `--fixture ${options.fixture}: ${err.message}`);
        },
      );
      print.info(
        `Loaded ${fixture.kv.length} KV entries from ${options.fixture}` +
          `${images > 0 ? ` (and ${images} placeholder images for its stored shares)` : ""}: ${fixture.description}`,
      );
    } else {
      await seedIfEmpty(harness, options, print);
    }
    if (options.record) {
      await recorder.start(options.record);
      print.info(`Recording requests to ${options.record} (written when you stop with Ctrl-C).`);
    }
    server = await listen(harness, options, recorder);
  } catch (err) {
    await stop();
    throw err;
  }
  claim?.setUrl(server.url);
  const session: DevSession = {
    url: server.url,
    harness,
    keeps:
      config.backend === "memory"
        ? "The memory backend's shares are gone."
        : "The store is kept on disk.",
    stop,
  };
  ready(session);
  print.info(
    bannerLines({
      url: server.url,
      options,
      backend: config.backend,
      sources: config.sources,
    }).join("\n"),
  );
  if (options.watch) watcher = watchAndRestart(harness, srcDir, print);
  return session;
}
