/**
 * @module storage/kv
 * The KV backend: the Worker's KV binding behind the `StorageBackend` interface, text values (the
 * binding's default type for every read), a list page's cursor only while the listing is not
 * complete. Timeouts, retries, the read cache,
 * metrics and logging are layers over it (`layers/stack.ts`), as over the memory backend.
 */
import type { KvBinding, ListOptions, ListResult, PutOptions, StorageBackend } from "./types.js";

export function createKvBackend(binding: KvBinding): StorageBackend {
  const put = (key: string, value: string, options: PutOptions = {}) =>
    binding.put(key, value, options);
  return {
    name: "kv",
    get: (key) => binding.get(key),
    getMany: (keys) => binding.get(keys),
    async getWithMetadata(key) {
      const { value, metadata } = await binding.getWithMetadata(key);
      return { value, metadata: metadata ?? null };
    },
    put,
    // Nothing here retries: one attempt is what a put is.
    putOnce: put,
    delete: (key) => binding.delete(key),
    async list(options: ListOptions = {}): Promise<ListResult> {
      const result = await binding.list(options);
      return result.list_complete
        ? { keys: result.keys, list_complete: true }
        : { keys: result.keys, list_complete: false, cursor: result.cursor ?? "" };
    },
  };
}
