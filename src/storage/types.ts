/**
 * @module storage/types
 * The one low-level storage interface, shaped like Workers KV (text values, metadata, expiration,
 * prefix listing with cursors). Implemented by the in-isolate memory backend and the KV backend;
 * every layer in `layers/` takes one and returns one (`layers/stack.ts` builds the stacks).
 */

export interface PutOptions {
  /** Seconds; KV requires at least 60. */
  expirationTtl?: number;
  metadata?: Record<string, unknown>;
}

export interface ListOptions {
  prefix?: string;
  cursor?: string;
  /** 1..1000, default 1000. */
  limit?: number;
}

export interface ListKey {
  name: string;
  /** Seconds since the epoch. */
  expiration?: number;
  metadata?: unknown;
}

export interface ListResult {
  keys: ListKey[];
  list_complete: boolean;
  cursor?: string;
}

export interface ValueWithMetadata {
  value: string | null;
  metadata: unknown;
}

export interface StorageBackend {
  readonly name: "kv" | "memory";
  get(key: string): Promise<string | null>;
  /** Up to 100 keys in one call. */
  getMany(keys: string[]): Promise<Map<string, string | null>>;
  getWithMetadata(key: string): Promise<ValueWithMetadata>;
  put(key: string, value: string, options?: PutOptions): Promise<void>;
  /** A put with one attempt, never retried (flushing pending writes must not stall a request). */
  putOnce(key: string, value: string, options?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: ListOptions): Promise<ListResult>;
}

/**
 * The subset of a KVNamespace this Worker calls (text values, no streams).
 */
export interface KvBinding {
  /** Reads are text, the binding's default type. */
  get(key: string): Promise<string | null>;
  get(keys: string[]): Promise<Map<string, string | null>>;
  getWithMetadata(key: string): Promise<{ value: string | null; metadata: unknown }>;
  put(key: string, value: string, options?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: ListOptions): Promise<{
    keys: { name: string; expiration?: number; metadata?: unknown }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}
