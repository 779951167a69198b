/**
 * The soak can fail: against the mutant whose memory fallback acknowledges a share it then
 * forgets, it reports the lost shares.
 */
import { describe, expect, it } from "vitest";
import { getMutant } from "../../mutants/index.js";
import { runSoak, SOAK_TIMEOUT_MS } from "./run-soak.js";

describe("soak against a broken Worker", () => {
  it(
    "reports acknowledged shares that never reach KV (mutant fallback-loses-share)",
    async () => {
      const { summary } = await runSoak(
        {
          ops: 150,
          clients: 8,
          restartEvery: 0,
          isolates: 2,
          seed: 3,
          fallback: "memory",
          outage: 0.2,
        },
        { harness: { sourcePatches: getMutant("fallback-loses-share").patches } },
      );
      const codes = new Set(summary.violations.map((v) => v.code));
      expect(codes).toContain("acked_missing_in_kv");
      expect(codes).toContain("not_listed");
    },
    SOAK_TIMEOUT_MS,
  );
});
