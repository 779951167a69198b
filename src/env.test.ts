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

  it("treats a blank ADMIN_TOKEN (a blank .dev.vars line) as unset", () => {
    expect(parseConfig({ ADMIN_TOKEN: "   " }).adminToken).toBeUndefined();
    expect(parseConfig({ ADMIN_TOKEN: "s3cret" }).adminToken).toBe("s3cret");
  });

  it("keeps an explicit STORAGE_BACKEND=memory even with the KV binding present", () => {
    const kv = {} as KVNamespace;
    expect(parseConfig({ STORAGE_BACKEND: "memory", SHARE_DATA_KV: kv }).backend).toBe("memory");
    expect(parseConfig({ STORAGE_BACKEND: "auto", SHARE_DATA_KV: kv }).backend).toBe("kv");
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

describe("PUBLIC_ORIGIN", () => {
  it("is kept as an origin without its trailing slash", () => {
    expect(parseConfig({ PUBLIC_ORIGIN: "https://share.example.com/" }).publicOrigin).toBe(
      "https://share.example.com",
    );
    expect(parseConfig({ PUBLIC_ORIGIN: "" }).publicOrigin).toBeUndefined();
  });

  it("names the var and the rule when it is not an origin", () => {
    for (const [value, rule] of [
      ["share.example.com", "must be an origin such as https://share.example.com"],
      ["https://share.example.com/app", "must be only scheme, host and port"],
    ] as const) {
      try {
        parseConfig({ PUBLIC_ORIGIN: value });
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({
          status: 500,
          code: "config_invalid",
          fields: [{ path: "PUBLIC_ORIGIN", message: expect.stringContaining(rule) }],
        });
        expect((error as AppError).message).toBe(
          `Invalid Worker configuration: PUBLIC_ORIGIN (${(error as AppError).fields![0]!.message})`,
        );
      }
    }
  });
});
