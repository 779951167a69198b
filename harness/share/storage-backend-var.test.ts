import { describe, expect, it } from "vitest";
import { storageBackendVar } from "./storage-backend-var.js";

describe("storageBackendVar", () => {
  it("keeps wrangler.jsonc's auto (the deployed default) for the KV backend", () => {
    expect(storageBackendVar("kv", "auto", undefined)).toBe("auto");
    expect(storageBackendVar("kv", "kv", undefined)).toBe("kv");
  });

  it("asks for kv when the configured value would not select it, and memory by name", () => {
    expect(storageBackendVar("kv", "memory", undefined)).toBe("kv");
    expect(storageBackendVar("kv", undefined, undefined)).toBe("kv");
    expect(storageBackendVar("memory", "auto", undefined)).toBe("memory");
  });

  it("lets an explicit STORAGE_BACKEND var win", () => {
    expect(storageBackendVar("kv", "auto", "kv")).toBe("kv");
    expect(storageBackendVar("memory", "auto", "auto")).toBe("auto");
  });
});
