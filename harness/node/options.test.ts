import { describe, expect, it } from "vitest";
import path from "node:path";
import { createShareHarness } from "../share/index.js";
import { createHarness } from "./create-harness.js";

const NOTES_CONFIG = path.join(import.meta.dirname, "../../examples/notes/wrangler.jsonc");

describe("createShareHarness options", () => {
  it("refuses bad options before booting anything, naming the option", async () => {
    await expect(createShareHarness({ isolates: 0 })).rejects.toMatchObject({
      code: "BAD_ISOLATE",
    });
    await expect(createShareHarness({ backend: "redis" as "kv" })).rejects.toThrow(
      /backend must be "kv" or "memory"/,
    );
    await expect(createShareHarness({ profile: "prod" as "production" })).rejects.toThrow(
      /profile must be/,
    );
    await expect(createShareHarness({ edgeCacheTtlMs: 1000 })).rejects.toThrow(
      /edgeCacheTtlMs must be at least 60000/,
    );
    await expect(
      createShareHarness({ rateLimits: { CREATE_LIMIT: { limit: 5, period: 60 } } }),
    ).rejects.toThrow(
      /rateLimits\.CREATE_LIMIT: wrangler\.jsonc has no such ratelimits binding \(it has: SHARE_CREATE_LIMITER\)/,
    );
    await expect(
      createShareHarness({ rateLimits: { SHARE_CREATE_LIMITER: { limit: 5, period: 30 as 60 } } }),
    ).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(
      createShareHarness({ persistTo: "temp", clockStart: Date.now() - 60_000 }),
    ).rejects.toMatchObject({
      code: "CLOCK_BACKWARDS",
    });
  });

  it("gives a plugin's own options to the plugin only: unknown or plugin-less ones are refused", async () => {
    await expect(createShareHarness({ pluginOptions: { region: "eu" } })).rejects.toMatchObject({
      code: "BAD_OPTION",
    });
    await expect(
      createHarness({ config: NOTES_CONFIG, pluginOptions: { backend: "memory" } }),
    ).rejects.toThrow(/pluginOptions backend: this Worker has no plugin to give them meaning/);
  });
});
