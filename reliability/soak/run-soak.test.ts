/**
 * A short soak in `npm test`: production profile, 2 isolates, faults on every KV op, one restart,
 * reject fallback. The memory fallback has its own file (one harness per file).
 */
import { describe, expect, it } from "vitest";
import { runSoak, SHORT_SOAK, SOAK_TIMEOUT_MS } from "./run-soak.js";

describe("soak (reject fallback)", () => {
  it(
    "loses no acknowledged share and answers only documented errors under faults and a restart",
    async () => {
      const { summary, records } = await runSoak({ ...SHORT_SOAK, seed: 11, fallback: "reject" });
      expect(summary.violations).toEqual([]);
      // The run really was chaotic: faults fired, some answers were 503, the runtime restarted.
      expect(summary.kv.faults).toBeGreaterThan(0);
      expect(records.some((r) => r.status === 503 && r.code === "storage_unavailable")).toBe(true);
      // One restart between the periods, and one under traffic in each period.
      expect(summary.restarts.clean + summary.restarts.crash).toBe(3);
      expect(summary.restarts.underTraffic).toBe(2);
      // Keyed clients retried through it all, and no create made a second share.
      expect(summary.keyed.creates).toBeGreaterThan(0);
      expect(summary.keyed.retried).toBeGreaterThan(0);
      expect(summary.keyed.duplicates).toBe(0);
      expect(summary.shares.pending).toBe(0);
      expect(summary.shares.live).toBe(summary.shares.inKv);
      expect(summary.shares.live).toBeGreaterThan(0);
    },
    SOAK_TIMEOUT_MS,
  );
});
