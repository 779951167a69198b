/**
 * Anyone can call GET /healthz and GET /api/monitoring as often as they like; each answer used to
 * be a live KV read and an R2 head. One probe per isolate per window now answers every call in it
 * (concurrent calls share the probe in flight), the answer says how old its probe is, monitoring
 * counts the probes, and an outage still shows once the window has passed. Concurrent monitoring
 * calls on a new isolate share one inventory scan, too.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { HEALTH_PROBE_WINDOW_MS } from "../../src/health/check.js";
import { useHarness } from "../support/use-harness.js";

const h = useHarness();

interface Probe {
  at: string;
  ageMs: number;
  windowMs: number;
}
const health = async () => {
  const res = await h().fetch("/healthz");
  return { status: res.status, body: (await res.json()) as { status: string; probe: Probe } };
};
const monitoring = async () => {
  const res = await h().fetch("/api/monitoring");
  expect(res.status).toBe(200);
  return (await res.json()) as {
    shares: { stale: boolean };
    health: { status: string; probe: Probe & { count: number } };
  };
};

/** KV reads alone (the probe is a read; monitoring's scan is a list). */
const reads = async () => (await h().counters()).total.reads;
/** The probes a set of answers came from, by start time. */
const probeTimes = (answers: { probe: Probe }[]) =>
  [...new Set(answers.map((a) => Date.parse(a.probe.at)))].sort((a, b) => a - b);

describe("health probes", () => {
  // Fresh isolates (no probe held, no scan) and zero counters for each test, in any order.
  beforeEach(async () => {
    await h().reset();
  });

  it("a burst of health and monitoring calls costs one probe per window", async () => {
    const before = await reads();
    const listsBefore = (await h().counters()).total.lists;
    const burst = async () => {
      const answers = await Promise.all([
        ...Array.from({ length: 40 }, async () => (await health()).body),
        ...Array.from({ length: 10 }, async () => (await monitoring()).health),
      ]);
      return probeTimes(answers);
    };
    // However long the burst takes, each probe answered a whole window: as many KV reads as
    // probes, and no two probes closer than the window.
    const first = await burst();
    // The ten monitoring calls of a new isolate share one inventory scan (one list of no keys).
    expect((await h().counters()).total.lists).toBe(listsBefore + 1);
    await h().clock.advance(HEALTH_PROBE_WINDOW_MS);
    const second = await burst();
    const probes = [...first, ...second];
    expect(await reads()).toBe(before + probes.length);
    for (let i = 1; i < probes.length; i++) {
      expect(probes[i]! - probes[i - 1]!).toBeGreaterThanOrEqual(HEALTH_PROBE_WINDOW_MS);
    }
    expect(second.length).toBeGreaterThanOrEqual(1);
    // Monitoring counts them (the isolate is fresh: no probe before the first burst).
    const { probe } = (await monitoring()).health;
    expect(probe.windowMs).toBe(HEALTH_PROBE_WINDOW_MS);
    const isNew = !probes.includes(Date.parse(probe.at));
    expect(probe.count).toBe(probes.length + (isNew ? 1 : 0));
  });

  it("an outage shows once the window has passed; until then the answer says how old its probe is", async () => {
    await h().clock.advance(HEALTH_PROBE_WINDOW_MS);
    const ok = await health();
    expect(ok.body.status).toBe("ok");
    await h().faults.add({ op: "get", kind: "error", status: 503 });
    try {
      const next = await health();
      // The same probe (its age stated), or a new one if the machine took a whole window.
      if (next.body.probe.at === ok.body.probe.at) {
        expect(next.status).toBe(200);
        expect(next.body.probe.ageMs).toBeLessThan(HEALTH_PROBE_WINDOW_MS);
      } else {
        expect(next.status).toBe(503);
      }

      await h().clock.advance(HEALTH_PROBE_WINDOW_MS);
      const failing = await health();
      expect(failing.status).toBe(503);
      expect(failing.body.status).toBe("unavailable");
      expect(failing.body.probe.ageMs).toBeLessThan(HEALTH_PROBE_WINDOW_MS);
      const during = await monitoring();
      expect(during.health.status).toBe("unavailable");
      expect(during.shares.stale).toBe(true);
    } finally {
      await h().faults.clear();
    }
  });
});
