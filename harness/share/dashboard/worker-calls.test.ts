/**
 * The dashboard is browser JavaScript served as it is (no bundler, so no `hc<AppType>`); its calls
 * to the share Worker are checked against the Worker's own OpenAPI document instead: the reads the
 * share plugin names, the objects it serves by id, the page links it builds and every `fetch` of a
 * Worker path in the page's modules are routes the Worker documents, with that method.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { shareApiDocument } from "../../../src/openapi/share-api.js";
import { sharePlugin } from "../plugin.js";
import { shareKeys } from "./key-kind.js";

const documented = new Set(
  Object.entries(shareApiDocument().paths ?? {}).flatMap(([route, ops]) =>
    Object.keys(ops ?? {}).map((method) => `${method.toUpperCase()} ${route}`),
  ),
);

/** Every `fetch("/path", { method: "X" })` (or a bare `fetch("/path")`) in a page module. */
function fetchesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .flatMap((f) => {
      const source = readFileSync(path.join(dir, f), "utf8");
      return [...source.matchAll(/fetch\("(\/[^"]*)"(?:,\s*\{\s*method:\s*"(\w+)")?/g)].map(
        (m) => `${m[2] ?? "GET"} ${m[1]}`,
      );
    });
}

describe("the dashboard's calls to the share Worker", () => {
  const views = sharePlugin.dashboard!;

  it("read only routes the Worker documents", () => {
    const reads = Object.values(views.reads ?? {}).map((route) => `GET ${route}`);
    const objects = Object.values(views.objects ?? {}).map((prefix) => `GET ${prefix}{id}`);
    expect(reads.length + objects.length).toBeGreaterThan(0);
    for (const call of [...reads, ...objects]) expect(documented, call).toContain(call);
  });

  it("send only requests the Worker documents, with their method", () => {
    const calls = [
      ...fetchesIn(path.join(import.meta.dirname, "../../dashboard")),
      ...fetchesIn(views.dir),
    ];
    expect(calls).toContain("POST /api/share");
    for (const call of calls) expect(documented, call).toContain(call);
  });

  it("link a share key to a page the Worker serves", () => {
    expect(shareKeys.pageOf("share:0V8F9K2M1AABCDEFGH")).toBe("/s/0V8F9K2M1AABCDEFGH");
    expect(documented).toContain("GET /s/{id}");
    expect(shareKeys.pageOf("share:list")).toBeUndefined();
    expect(shareKeys.pageOf("notes:1")).toBeUndefined();
  });
});
