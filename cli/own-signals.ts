/**
 * @module cli/own-signals
 * Makes a CLI's shutdown handler the only SIGINT/SIGTERM listener. Miniflare's exit hook listens
 * too and calls `process.exit()` at once, which would cut our async cleanup (close the server,
 * dispose the harness) short and exit with 130/143. Its `exit` listener stays, as a safety net
 * that still stops workerd if cleanup fails. tsx's hidden relay listener is not visible through
 * `process.listeners()` and is left alone.
 */

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Install `handler` for SIGINT and SIGTERM and drop every other visible listener. Call it again
 * after anything that may register new ones (a new Miniflare instance does).
 * @example ownSignals((signal) => void session.stop().then(() => process.exit(0)))
 */
export function ownSignals(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (listener !== handler) process.off(signal, listener);
    }
    if (!process.listeners(signal).includes(handler)) process.on(signal, handler);
  }
}
