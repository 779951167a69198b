/**
 * @module storage/layers/observe
 * The one wrapper behind the metrics and logging layers: it times every operation of the backend
 * below and tells an observer when one starts, succeeds (with what it found) or fails. The layers
 * above it report their own events (`events.ts`) to the same observer.
 */
import { now } from "../../clock.js";
import type { StorageOp } from "../../log.js";
import type { StorageBackend } from "../types.js";
import type { StorageEvent } from "./events.js";

export interface OpResult {
  /** Reads of one key: whether it held a value. */
  found?: boolean;
  /** Bulk reads and lists: how many keys. */
  count?: number;
}

export interface StorageObserver {
  started(op: StorageOp): void;
  succeeded(op: StorageOp, key: string, ms: number, result: OpResult): void;
  failed(op: StorageOp, key: string, ms: number, error: unknown): void;
  event(event: StorageEvent): void;
}

export function withObserver(inner: StorageBackend, observer: StorageObserver): StorageBackend {
  async function run<T>(
    op: StorageOp,
    key: string,
    call: () => Promise<T>,
    describe: (value: T) => OpResult = () => ({}),
  ): Promise<T> {
    const start = now();
    observer.started(op);
    try {
      const value = await call();
      observer.succeeded(op, key, now() - start, describe(value));
      return value;
    } catch (error) {
      observer.failed(op, key, now() - start, error);
      throw error;
    }
  }
  return {
    name: inner.name,
    get: (key) =>
      run(
        "get",
        key,
        () => inner.get(key),
        (v) => ({ found: v !== null }),
      ),
    getWithMetadata: (key) =>
      run(
        "get",
        key,
        () => inner.getWithMetadata(key),
        (v) => ({ found: v.value !== null }),
      ),
    getMany: (keys) =>
      run(
        "getMany",
        keys[0] ?? "",
        () => inner.getMany(keys),
        () => ({ count: keys.length }),
      ),
    put: (key, value, options) => run("put", key, () => inner.put(key, value, options)),
    putOnce: (key, value, options) => run("put", key, () => inner.putOnce(key, value, options)),
    delete: (key) => run("delete", key, () => inner.delete(key)),
    list: (options) =>
      run(
        "list",
        options?.prefix ?? "",
        () => inner.list(options),
        (v) => ({ count: v.keys.length }),
      ),
  };
}
