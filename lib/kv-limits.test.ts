import { KVLimits, MAX_BULK_GET_KEYS } from "miniflare";
import { describe, expect, it } from "vitest";
import { KV_LIMITS, limitText } from "./kv-limits.js";

describe("the KV limits table", () => {
  it("holds the limits Miniflare's own KV enforces", () => {
    expect(KV_LIMITS).toEqual({
      keyBytes: KVLimits.MAX_KEY_SIZE_BYTES,
      valueBytes: KVLimits.MAX_VALUE_SIZE_BYTES,
      metadataBytes: KVLimits.MAX_METADATA_SIZE_BYTES,
      minExpirationTtl: KVLimits.MIN_EXPIRATION_TTL_SECONDS,
      minCacheTtl: KVLimits.MIN_CACHE_TTL_SECONDS,
      listLimit: KVLimits.MAX_LIST_KEYS,
      bulkKeys: MAX_BULK_GET_KEYS,
    });
  });

  it("words a broken limit as production does", () => {
    expect(limitText.keyLength(513)).toBe(
      "UTF-8 encoded length of 513 exceeds key length limit of 512.",
    );
    expect(limitText.expirationTtl(30)).toBe(
      "Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    );
  });
});
