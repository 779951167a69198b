/**
 * @module harness/server/source-watcher
 * Watches a source folder (recursively) and calls back once per burst of changes: editors write a
 * file in several steps, and a rebuild per step would restart the Worker several times.
 */
import { watch } from "node:fs";

export interface SourceWatcher {
  close(): void;
}

export interface WatchSourcesOptions {
  dir: string;
  /** Quiet period after the last change before `onChange` runs. Default 150 ms. */
  debounceMs?: number;
  /** Receives the changed paths (relative to `dir`), sorted. Never runs twice at once. */
  onChange: (files: string[]) => Promise<void>;
  /** Receives what `onChange` threw; watching goes on (the next save may fix a syntax error). */
  onError?: (err: unknown) => void;
}

/** Paths that change without the Worker's sources changing. */
const IGNORED = /(^|[\\/])(\.|node_modules[\\/])|~$|\.swp$|\.test\.ts$/;

/**
 * @example const watcher = watchSources({ dir: "src", onChange: async () => harness.restart() })
 */
export function watchSources(options: WatchSourcesOptions): SourceWatcher {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const flush = async (): Promise<void> => {
    timer = undefined;
    // A change during a rebuild waits for it; the rebuild picks `pending` up when it ends.
    if (running || pending.size === 0) return;
    const files = [...pending].sort();
    pending.clear();
    running = true;
    try {
      await options.onChange(files);
    } catch (err) {
      options.onError?.(err);
    } finally {
      running = false;
    }
    if (pending.size > 0 && !timer) void flush();
  };

  const watcher = watch(options.dir, { recursive: true }, (_event, filename) => {
    const file = filename?.toString();
    if (!file || IGNORED.test(file)) return;
    pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), options.debounceMs ?? 150);
  });

  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
