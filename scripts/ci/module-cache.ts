/**
 * @module scripts/ci/module-cache
 * Vitest's on-disk module cache (`experimental.fsModuleCache`) empties its folder when the lockfile
 * changed since the cache was made, but only after it has already loaded the config's TypeScript
 * reporters through that folder and noted it as created. Every module the run transforms after the
 * clear then fails to write (`ENOENT … .experimental-vitest-cache/.tmp-…`): the first run after each
 * `npm install` that changes the lockfile fails. Doing the same clear before Vitest starts avoids it.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export const MODULE_CACHE_DIR = path.join("node_modules", ".experimental-vitest-cache");

/**
 * The lockfile hash Vitest stores in the cache's `_metadata.json` (npm's layout: the hash of
 * `node_modules/.package-lock.json`, plus a `patches/` folder's mtime when there is one).
 */
export function lockfileHash(root: string): string {
  const lockfile = path.join(root, "node_modules", ".package-lock.json");
  let content = "";
  if (existsSync(lockfile)) {
    content = readFileSync(lockfile, "utf8");
    const patches = statSync(path.join(root, "patches"), { throwIfNoEntry: false });
    if (patches?.isDirectory()) content += patches.mtimeMs.toString();
  }
  return createHash("sha256").update(content).digest("hex").slice(0, 8).padEnd(8, "_");
}

/** Remove the module cache when it was made for another lockfile; true when it did. */
export function dropStaleModuleCache(root: string): boolean {
  const dir = path.join(root, MODULE_CACHE_DIR);
  let stored: unknown;
  try {
    stored = (
      JSON.parse(readFileSync(path.join(dir, "_metadata.json"), "utf8")) as {
        lockfileHash?: unknown;
      }
    ).lockfileHash;
  } catch {
    return false; // no cache yet, or unreadable metadata: Vitest starts a new one without a clear
  }
  if (stored === lockfileHash(root)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
