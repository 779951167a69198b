/**
 * @module storage/write-error
 * What a write that storage could not take looks like to a caller of any backend: the outage
 * layer (`layers/outage.ts`) turns a retryable failure of put/delete into this (and only such a
 * failure), so a caller tells "storage is down" from its own bug without knowing which backend it
 * has.
 */
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class StorageWriteError extends Error {
  constructor(cause: unknown) {
    super(message(cause), { cause });
    this.name = "StorageWriteError";
  }
}
