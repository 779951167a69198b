/**
 * @module lib/kv-limits
 * The one table of Workers KV's documented limits, as workerd and the KV service enforce them,
 * and the texts production gives when one is exceeded. The Worker's memory backend and record
 * metadata, the harness's KV layer and store check, the fixture schema and the fixture capture all
 * import it: a limit is never restated as a literal.
 */
export const KV_LIMITS = {
  /** Key length, UTF-8 bytes. */
  keyBytes: 512,
  /** Value length, bytes. */
  valueBytes: 25 * 1024 * 1024,
  /** Metadata length, bytes of serialised JSON. */
  metadataBytes: 1024,
  /** Shortest `expirationTtl` (and distance of `expiration` from now), seconds. */
  minExpirationTtl: 60,
  /** Shortest `cacheTtl`, seconds. */
  minCacheTtl: 30,
  /** Most keys one `list()` page returns (and the default). */
  listLimit: 1000,
  /** Most keys one bulk `get()` takes. */
  bulkKeys: 100,
} as const;

/** The reason production gives after `KV <METHOD> failed: <status> ` when a limit is exceeded. */
export const limitText = {
  keyLength: (bytes: number) =>
    `UTF-8 encoded length of ${bytes} exceeds key length limit of ${KV_LIMITS.keyBytes}.`,
  valueLength: (bytes: number) =>
    `Value length of ${bytes} exceeds limit of ${KV_LIMITS.valueBytes}.`,
  metadataLength: (bytes: number) =>
    `Metadata length of ${bytes} exceeds limit of ${KV_LIMITS.metadataBytes}.`,
  expirationTtl: (raw: unknown) =>
    `Invalid expiration_ttl of ${String(raw)}. Expiration TTL must be at least ${KV_LIMITS.minExpirationTtl}.`,
  cacheTtl: (raw: unknown) =>
    `Invalid cache_ttl of ${String(raw)}. Cache TTL must be at least ${KV_LIMITS.minCacheTtl}.`,
  listLimitHigh: (raw: unknown) =>
    `Invalid key_count_limit of ${String(raw)}. Please specify an integer less than ${KV_LIMITS.listLimit}.`,
};
