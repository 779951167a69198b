import { describe, expect, it } from "vitest";
import { parseConfig } from "./env.js";
import { AppError } from "./errors.js";

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    expect(parseConfig({})).toMatchObject({
      backend: "memory",
      writeFallback: "reject",
      cacheMaxEntries: 1000,
      cacheTtlMs: 300_000,
      retryBaseMs: 200,
      retryMaxAttempts: 5,
      opTimeoutMs: 10_000,
      imageFetchTimeoutMs: 5000,
      adminToken: undefined,
    });
  });

  it("parses string vars and names the bad one", () => {
    expect(parseConfig({ CACHE_MAX_ENTRIES: "5", KV_RETRY_MAX_ATTEMPTS: "2" })).toMatchObject({
      cacheMaxEntries: 5,
      retryMaxAttempts: 2,
    });
    try {
      parseConfig({ KV_RETRY_MAX_ATTEMPTS: "lots" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("config_invalid");
      expect((error as AppError).message).toContain("KV_RETRY_MAX_ATTEMPTS");
    }
  });
});
