import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { SUITE_RATE_LIMITS } from "../../suites/support/target.js";
import { ROOT } from "./run-vitest.js";
import { suiteWranglerConfig } from "./wrangler-dev.js";

describe("suiteWranglerConfig", () => {
  it("is wrangler.jsonc with an absolute main and the suites' create limit, nothing else", () => {
    const text = readFileSync(path.join(ROOT, "wrangler.jsonc"), "utf8");
    const deployed = parse(text) as Record<string, unknown> & {
      ratelimits: { name: string; simple: unknown }[];
    };
    const served = parse(suiteWranglerConfig(text)) as typeof deployed;
    expect(served.main).toBe(path.join(ROOT, "src", "index.ts"));
    expect(served.ratelimits.map((r) => [r.name, r.simple])).toEqual(
      deployed.ratelimits.map((r) => [
        r.name,
        SUITE_RATE_LIMITS[r.name as keyof typeof SUITE_RATE_LIMITS] ?? r.simple,
      ]),
    );
    const { main: _m, $schema: _s, ratelimits: _r, ...rest } = deployed;
    const { main: _m2, ratelimits: _r2, ...servedRest } = served;
    expect(servedRest).toEqual(rest);
  });
});
