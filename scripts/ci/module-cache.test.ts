import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dropStaleModuleCache, lockfileHash, MODULE_CACHE_DIR } from "./module-cache.js";

const ROOT = path.join(import.meta.dirname, "../..");
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(lock: string, cacheHash?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), "module-cache-"));
  made.push(root);
  mkdirSync(path.join(root, MODULE_CACHE_DIR), { recursive: true });
  writeFileSync(path.join(root, "node_modules", ".package-lock.json"), lock);
  writeFileSync(path.join(root, MODULE_CACHE_DIR, "some-module"), "cached");
  if (cacheHash !== undefined) {
    writeFileSync(
      path.join(root, MODULE_CACHE_DIR, "_metadata.json"),
      JSON.stringify({ lockfileHash: cacheHash }),
    );
  }
  return root;
}

describe("the module cache's lockfile check", () => {
  it("computes the hash Vitest stored for this checkout's lockfile", () => {
    // Vitest writes the metadata when a run starts (this run, at the latest).
    const metadata = path.join(ROOT, MODULE_CACHE_DIR, "_metadata.json");
    const stored = (JSON.parse(readFileSync(metadata, "utf8")) as { lockfileHash: string })
      .lockfileHash;
    expect(lockfileHash(ROOT)).toBe(stored);
  });

  it("drops a cache made for another lockfile, before Vitest would clear it mid-start", () => {
    const root = project('{"name":"new"}', "0badc0de");
    expect(dropStaleModuleCache(root)).toBe(true);
    expect(existsSync(path.join(root, MODULE_CACHE_DIR))).toBe(false);
  });

  it("keeps a cache made for this lockfile, and one without metadata", () => {
    const lock = '{"name":"same"}';
    const current = project(lock, lockfileHash(project(lock)));
    expect(dropStaleModuleCache(current)).toBe(false);
    expect(readFileSync(path.join(current, MODULE_CACHE_DIR, "some-module"), "utf8")).toBe(
      "cached",
    );
    const fresh = project(lock);
    expect(dropStaleModuleCache(fresh)).toBe(false);
    expect(existsSync(path.join(fresh, MODULE_CACHE_DIR, "some-module"))).toBe(true);
  });
});
