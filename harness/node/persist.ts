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

/** From real time `fromMs` on, virtual time was real time + `offsetMs`. */
export interface ClockChange {
  fromMs: number;
  offsetMs: number;
}

function readClockFile(dir: string): { offsetMs?: unknown; history?: unknown } {
  try {
    return JSON.parse(readFileSync(clockFile(dir), "utf8")) as object;
  } catch {
    return {};
  }
}

const isChange = (c: unknown): c is ClockChange =>
  typeof c === "object" &&
  c !== null &&
  typeof (c as ClockChange).fromMs === "number" &&
  typeof (c as ClockChange).offsetMs === "number";

export function readClockOffset(dir: string): number | undefined {
  const { offsetMs } = readClockFile(dir);
  return typeof offsetMs === "number" && offsetMs >= 0 ? offsetMs : undefined;
}

/**
 * Every offset the store has had, oldest first: what turns a real timestamp Miniflare recorded
 * (an R2 object's `uploaded`) into the virtual time it happened at. A file written before the
 * history was kept yields its one offset, from the start of time.
 */
export function readClockHistory(dir: string): ClockChange[] {
  const file = readClockFile(dir);
  if (Array.isArray(file.history) && file.history.every(isChange)) return file.history;
  const offsetMs = readClockOffset(dir);
  return offsetMs === undefined ? [] : [{ fromMs: 0, offsetMs }];
}

export function writeClockOffset(dir: string, offsetMs: number): void {
  const history = readClockHistory(dir);
  if (history.at(-1)?.offsetMs !== offsetMs) history.push({ fromMs: Date.now(), offsetMs });
  writeFileSync(clockFile(dir), JSON.stringify({ offsetMs, history }, null, 2));
}
