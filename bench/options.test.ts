import { describe, expect, it } from "vitest";
import { BenchError } from "./errors.js";
import { parseBenchArgs } from "./options.js";

describe("parseBenchArgs", () => {
  it("runs every section but the slow suites one by default", () => {
    const o = parseBenchArgs([])!;
    expect(o.sections).toEqual(["growth", "boot", "requests", "kv", "memory", "load"]);
    expect(o.growthSizes.at(-1)).toBe(10_000);
    expect(o.outDir).toBe("reports");
  });

  it("--quick shrinks sizes so CI can run it, and --with-suites adds the suites section", () => {
    const o = parseBenchArgs(["--quick", "--with-suites"])!;
    expect(o.growthSizes).toEqual([10, 100]);
    expect(o.loadSeconds).toBe(1);
    expect(o.sections).toContain("suites");
  });

  it("--suites-baseline names the commit to compare the suites with, and adds the suites section", () => {
    const o = parseBenchArgs(["--only", "boot", "--suites-baseline", "main~3"])!;
    expect(o.sections).toEqual(["boot", "suites"]);
    expect(o.suitesBaseline).toBe("main~3");
    expect(parseBenchArgs([])!.suitesBaseline).toBeUndefined();
  });

  it("--only picks sections and --memory-shares overrides the store size", () => {
    const o = parseBenchArgs(["--only", "memory,load", "--memory-shares", "100000"])!;
    expect(o.sections).toEqual(["memory", "load"]);
    expect(o.memoryShares).toBe(100_000);
  });

  it("rejects an unknown section with a BenchError naming the valid ones", () => {
    expect(() => parseBenchArgs(["--only", "boot,speed"])).toThrow(BenchError);
    expect(() => parseBenchArgs(["--only", "speed"])).toThrow(/growth, boot/);
    expect(() => parseBenchArgs(["--memory-shares", "0"])).toThrow(/integer >= 1/);
  });
});
