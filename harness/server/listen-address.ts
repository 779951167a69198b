/**
 * @module harness/server/listen-address
 * Where the dev server listens by default, and which addresses stay on this machine. Kept apart
 * from the server so the CLI can check flags without loading Miniflare.
 */

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8787;

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
