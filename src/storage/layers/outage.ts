/**
 * @module storage/layers/outage
 * What a storage outage looks like to the callers of any backend: a read or list that failed for
 * a retryable reason is a 503 `storage_unavailable` (Retry-After), a write a `StorageWriteError`
 * (the store then falls back or answers 503). A caller error (bad key, TTL or metadata) goes up
 * unchanged: that is a bug here, never an outage.
 */
import { AppError, storageUnavailable } from "../../errors.js";
import { isRetryableKvError } from "../retry.js";
import type { StorageBackend } from "../types.js";
import { StorageWriteError } from "../write-error.js";

const outage = (error: unknown) => !(error instanceof AppError) && isRetryableKvError(error);

async function read<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!outage(error)) throw error;
    throw storageUnavailable("Storage is temporarily unavailable; try again shortly", error);
  }
}

async function write(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    throw outage(error) ? new StorageWriteError(error) : error;
  }
}

export function withOutageErrors(inner: StorageBackend): StorageBackend {
  return {
    name: inner.name,
    get: (key) => read(() => inner.get(key)),
    getWithMetadata: (key) => read(() => inner.getWithMetadata(key)),
    getMany: (keys) => read(() => inner.getMany(keys)),
    put: (key, value, options) => write(() => inner.put(key, value, options)),
    putOnce: (key, value, options) => write(() => inner.putOnce(key, value, options)),
    delete: (key) => write(() => inner.delete(key)),
    list: (options) => read(() => inner.list(options)),
  };
}
