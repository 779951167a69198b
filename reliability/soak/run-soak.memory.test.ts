/** The short soak with KV_WRITE_FALLBACK=memory: pending shares flush or are lost exactly as reported. */
import { describe, expect, it } from "vitest";
import { runSoak, SHORT_SOAK, SOAK_TIMEOUT_MS } from "./run-soak.js";

describe("soak (memory fallback)", () => {
  it(
    "flushes pending shares after recovery and loses to a restart only those reported pending",
    async () => {
      const { summary } = await runSoak({ ...SHORT_SOAK, seed: 1, fallback: "memory" });
      expect(summary.violations).toEqual([]);
      expect(summary.shares.pending).toBeGreaterThan(0);
      expect(summary.shares.lostToRestarts).toBeGreaterThan(0);
      expect(summary.shares.flushedAfterRecovery).toBeGreaterThan(0);
      expect(summary.shares.live).toBe(summary.shares.inKv);
    },
    SOAK_TIMEOUT_MS,
  );
});
