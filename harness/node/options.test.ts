import { describe, expect, it } from "vitest";
import { createHarness } from "../index";

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
      createHarness({ persistTo: "temp", clockStart: Date.now() - 60_000 }),
    ).rejects.toMatchObject({
      code: "CLOCK_BACKWARDS",
    });
  });
});
