import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWorkerConfig } from "./config.js";

describe("parseWorkerConfig", () => {
  it("reads the project's wrangler.jsonc", () => {
    const config = parseWorkerConfig(
      readFileSync(path.join(import.meta.dirname, "../../wrangler.jsonc"), "utf8"),
    );
    expect(config.kv).toEqual({ binding: "SHARE_DATA_KV", namespaceId: "share-data-kv-local" });
    expect(config.r2).toEqual([{ binding: "SHARE_IMAGES", bucketName: "share-images" }]);
    expect(config.vars.STORAGE_BACKEND).toBe("auto");
    expect(config.compatibilityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("uses preview_id before id, as wrangler dev does, and stringifies vars", () => {
    const config = parseWorkerConfig(`{
      // comment
      "compatibility_date": "2026-04-20",
      "vars": { "CACHE_MAX_ENTRIES": 10 },
      "kv_namespaces": [{ "binding": "SHARE_DATA_KV", "id": "prod", "preview_id": "preview" }],
    }`);
    expect(config.kv.namespaceId).toBe("preview");
    expect(config.vars).toEqual({ CACHE_MAX_ENTRIES: "10" });
  });

  it("reads ratelimits bindings and names a bad one", () => {
    const config = parseWorkerConfig(
      readFileSync(path.join(import.meta.dirname, "../../wrangler.jsonc"), "utf8"),
    );
    expect(config.rateLimits).toEqual([
      { binding: "SHARE_CREATE_LIMITER", namespaceId: "1001", limit: 10, period: 60 },
    ]);
    const base = `"compatibility_date": "2026-04-20", "kv_namespaces": [{ "binding": "SHARE_DATA_KV", "id": "x" }]`;
    expect(parseWorkerConfig(`{ ${base} }`).rateLimits).toEqual([]);
    expect(() =>
      parseWorkerConfig(
        `{ ${base}, "ratelimits": [{ "name": "L", "namespace_id": "1", "simple": { "limit": 5, "period": 30 } }] }`,
      ),
    ).toThrow(/ratelimits\[0\] \(L\) needs simple: \{ limit: <integer >= 1>, period: 10 \| 60 \}/);
    expect(() => parseWorkerConfig(`{ ${base}, "ratelimits": [{ "name": "L" }] }`)).toThrow(
      /needs a name and a namespace_id/,
    );
  });

  it("names what is wrong", () => {
    expect(() => parseWorkerConfig(`{ "compatibility_date": "2026-04-20" }`)).toThrow(
      /kv_namespaces needs a SHARE_DATA_KV entry/,
    );
    expect(() => parseWorkerConfig(`{ "kv_namespaces": [] }`)).toThrow(
      /compatibility_date is required/,
    );
    expect(() => parseWorkerConfig(`{ "name": `, "x.jsonc")).toThrow(/x\.jsonc: /);
  });
});
