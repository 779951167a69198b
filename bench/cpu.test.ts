import { describe, expect, it } from "vitest";
import { processCpuMs, timedWithCpu } from "./cpu.js";

/** Runs until this process has used `ms` of CPU; returns the CPU ms it used (all threads). */
const spin = (ms: number) => {
  const before = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 >= ms) return (used.user + used.system) / 1000;
  }
};

describe.runIf(process.platform === "linux")("CPU time", () => {
  it("counts every millisecond a process ran, however long it waited for a core", () => {
    const before = processCpuMs([process.pid])!;
    const used = spin(20);
    // The reads enclose the spin, so they see at least what getrusage saw (1 ms for rounding).
    expect(processCpuMs([process.pid])! - before).toBeGreaterThanOrEqual(used - 1);
  });

  it("is not measured for a process that is gone", () => {
    expect(processCpuMs([2 ** 22 + 1])).toBeUndefined();
  });

  it("adds the CPU of the watched processes to Node's own for one call", async () => {
    const cpu: number[] = [];
    let used = 0;
    await timedWithCpu(async () => (used = spin(10)), [process.pid], cpu);
    // This process is both Node and the watched process here, so its CPU counts twice.
    expect(cpu[0]).toBeGreaterThanOrEqual(2 * used - 1);
  });
});
