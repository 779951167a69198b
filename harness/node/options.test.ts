import { describe, expect, it } from "vitest";
import { createHarness } from "../index.js";

describe("createHarness options", () => {
  it("refuses bad options before booting anything, naming the option", async () => {
    await expect(createHarness({ isolates: 0 })).rejects.toMatchObject({ code: "BAD_ISOLATE" });
    await expect(createHarness({ backend: "redis" as "kv" })).rejects.toThrow(
      /backend must be "kv" or "memory"/,
    );
    await expect(createHarness({ profile: "prod" as "production" })).rejects.toThrow(
      /profile must be/,
    );
    await expect(createHarness({ edgeCacheTtlMs: 1000 })).rejects.toThrow(
      /edgeCacheTtlMs must be at least 60000/,
    );
    await expect(
      createHarness({ rateLimits: { CREATE_LIMIT: { limit: 5, period: 60 } } }),
    ).rejects.toThrow(
      /rateLimits\.CREATE_LIMIT: wrangler\.jsonc has no such ratelimits binding \(it has: SHARE_CREATE_LIMITER\)/,
    );
    await expect(
      createHarness({ rateLimits: { SHARE_CREATE_LIMITER: { limit: 5, period: 30 as 60 } } }),
    ).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(
      createHarness({ persistTo: "temp", clockStart: Date.now() - 60_000 }),
    ).rejects.toMatchObject({
      code: "CLOCK_BACKWARDS",
    });
  });
});
