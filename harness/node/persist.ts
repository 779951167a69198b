/**
 * @module harness/node/persist
 * Where state lives on disk: the persist root (or a temp dir removed on dispose) and the virtual
 * clock offset in `<root>/harness-clock.json`, so expiry keeps its meaning across restarts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PersistDir {
  dir: string;
  temp: boolean;
  remove(): void;
}

export function openPersistDir(persistTo: string | undefined): PersistDir {
  if (persistTo === "temp") {
    const dir = mkdtempSync(path.join(tmpdir(), "kv-harness-"));
    return { dir, temp: true, remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const dir = path.resolve(persistTo ?? ".wrangler/state");
  mkdirSync(dir, { recursive: true });
  return { dir, temp: false, remove: () => undefined };
}

const clockFile = (dir: string) => path.join(dir, "harness-clock.json");

export function readClockOffset(dir: string): number | undefined {
  try {
    const { offsetMs } = JSON.parse(readFileSync(clockFile(dir), "utf8")) as { offsetMs?: unknown };
    return typeof offsetMs === "number" && offsetMs >= 0 ? offsetMs : undefined;
  } catch {
    return undefined;
  }
}

export function writeClockOffset(dir: string, offsetMs: number): void {
  writeFileSync(clockFile(dir), JSON.stringify({ offsetMs }, null, 2));
}
