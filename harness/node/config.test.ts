import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWorkerConfig } from "./config.js";

describe("parseWorkerConfig", () => {
  it("reads the project's wrangler.jsonc", () => {
    const file = path.join(import.meta.dirname, "../../wrangler.jsonc");
    const config = parseWorkerConfig(readFileSync(file, "utf8"), file);
    expect(config.kvNamespaces).toEqual([
      { binding: "SHARE_DATA_KV", namespaceId: "share-data-kv-local" },
    ]);
    expect(config.root).toBe(path.dirname(file));
    expect(config.main).toBe("src/index.ts");
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
    expect(config.kvNamespaces[0]!.namespaceId).toBe("preview");
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

  it("reads every KV namespace in declared order, and a Worker with none", () => {
    const config = parseWorkerConfig(`{
      "compatibility_date": "2026-04-20",
      "kv_namespaces": [{ "binding": "B", "id": "b" }, { "binding": "A", "id": "a" }],
    }`);
    expect(config.kvNamespaces.map((n) => n.binding)).toEqual(["B", "A"]);
    expect(parseWorkerConfig(`{ "compatibility_date": "2026-04-20" }`).kvNamespaces).toEqual([]);
  });

  it("names what is wrong", () => {
    const date = `"compatibility_date": "2026-04-20"`;
    expect(() => parseWorkerConfig(`{ ${date}, "kv_namespaces": [{ "binding": "A" }] }`)).toThrow(
      /kv_namespaces\[0\] needs a binding and an id or preview_id/,
    );
    expect(() =>
      parseWorkerConfig(
        `{ ${date}, "kv_namespaces": [{ "binding": "A", "id": "1" }, { "binding": "A", "id": "2" }] }`,
      ),
    ).toThrow(/kv_namespaces binds A twice/);
    expect(() => parseWorkerConfig(`{ "kv_namespaces": [] }`)).toThrow(
      /compatibility_date is required/,
    );
    expect(() => parseWorkerConfig(`{ "name": `, "x.jsonc")).toThrow(/x\.jsonc: /);
  });
});
