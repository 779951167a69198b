/**
 * Tripwire for the one Miniflare-specific module: the installed Miniflare, workerd and wrangler
 * must be exactly the set `runtime.ts` is written against. A Dependabot bump that changes any of
 * them fails here first, naming what moved, instead of somewhere deep in a suite.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { MINIFLARE_VERSION } from "./runtime.js";

const ROOT = path.join(import.meta.dirname, "../..");
const pkg = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    version: string;
    dependencies?: Record<string, string>;
  };
const installed = (name: string) => pkg(path.join(ROOT, "node_modules", name));

/** Every `workerd` package under node_modules, nested ones included. */
function workerdCopies(dir = path.join(ROOT, "node_modules")): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) continue;
    if (entry.startsWith("@")) found.push(...workerdCopies(full));
    else {
      if (entry === "workerd") found.push(full);
      const nested = path.join(full, "node_modules");
      try {
        if (statSync(nested).isDirectory()) found.push(...workerdCopies(nested));
      } catch {
        // No nested node_modules.
      }
    }
  }
  return found;
}

describe("runtime versions", () => {
  it("runs the Miniflare runtime.ts is written against", () => {
    expect(
      installed("miniflare").version,
      "miniflare changed: re-verify harness/node/runtime.ts, then update MINIFLARE_VERSION",
    ).toBe(MINIFLARE_VERSION);
  });

  it("uses exactly the miniflare and workerd the installed wrangler depends on", () => {
    const wrangler = installed("wrangler");
    expect(wrangler.dependencies?.miniflare).toBe(installed("miniflare").version);
    expect(wrangler.dependencies?.workerd).toBe(installed("workerd").version);
    expect(installed("miniflare").dependencies?.workerd).toBe(installed("workerd").version);
  });

  it("has one workerd in node_modules", () => {
    expect(workerdCopies().map((p) => path.relative(ROOT, p))).toEqual(["node_modules/workerd"]);
  });

  it("sets a compatibility_date this workerd supports", () => {
    const config = parse(readFileSync(path.join(ROOT, "wrangler.jsonc"), "utf8")) as {
      compatibility_date: string;
    };
    // workerd 1.YYYYMMDD.N supports compatibility dates up to YYYY-MM-DD.
    const [, ymd] = installed("workerd").version.split(".");
    const newest = `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`;
    expect(config.compatibility_date <= newest).toBe(true);
  });
});
