/**
 * @module bench/context
 * What the sections share within one run: options, scratch directories (removed at the end) and
 * the seeded 10k-style store that growth builds and boot and memory reuse.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { KvSnapshotEntry } from "../harness/types.js";
import type { BenchOptions } from "./options.js";

export interface SeededStore {
  /** Persist root (KV under `v3/kv`), readable by the harness and by plain Miniflare. */
  dir: string;
  /** The share entries it holds (creates made while measuring are not listed). */
  entries: KvSnapshotEntry[];
}

export class BenchContext {
  readonly #dirs: string[] = [];
  /** The largest store built so far (growth's subject store). */
  store: SeededStore | undefined;

  constructor(
    readonly options: BenchOptions,
    readonly log: (line: string) => void,
  ) {}

  /** A fresh scratch directory removed by `cleanup()`. */
  tempDir(label: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), `kv-bench-${label}-`));
    this.#dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
