import { describe, expect, it } from "vitest";
import { compare } from "./measure.js";
import { summaryLines, toMarkdown, type BenchReport } from "./report.js";
import { parseJunitCases } from "./sections/suites.js";

const report = (): BenchReport => ({
  command: "npm run bench -- --quick",
  startedAt: "2026-11-25T20:00:00.000Z",
  durationMs: 30_000,
  machine: { node: "v20.20.2", cpus: 2, cpuModel: "cpu", platform: "linux-x64" },
  comparisons: [
    compare({
      section: "boot",
      name: "boot, empty store",
      unit: "ms",
      subject: { label: "harness", samples: [140, 150, 160] },
      baseline: { label: "plain Miniflare", samples: [100, 100, 100] },
      target: { text: "ratio <= 1.3", check: (c) => c.ratio <= 1.3 },
    }),
    compare({
      section: "load",
      name: "throughput",
      unit: "req/s",
      subject: { label: "share", samples: [90] },
      baseline: { label: "hello", samples: [100] },
    }),
  ],
  skipped: [{ section: "suites", reason: "scripts/ci/test-kv-storage.ts does not exist yet" }],
});

describe("bench report", () => {
  it("reports a missed target as NOT MET with both medians and the ratio", () => {
    const lines = summaryLines(report());
    expect(lines[0]).toBe(
      "NOT MET  boot: boot, empty store: 150 vs 100 ms, ratio 1.50 (ratio <= 1.3)",
    );
    expect(lines.at(-1)).toBe("targets: 0 met, 1 not met; 2 rows");
    expect(lines).toContain("skipped  suites: scripts/ci/test-kv-storage.ts does not exist yet");
  });

  it("renders one table per section with spread and the command that made it", () => {
    const md = toMarkdown(report());
    expect(md).toContain("`npm run bench -- --quick`");
    expect(md).toContain("## boot");
    expect(md).toContain("## load");
    expect(md).toContain("| 150 ms (p95 159, IQR 10.0, n=3) |");
    expect(md).toContain("| 0.90 |");
    expect(md).toContain("- suites: scripts/ci/test-kv-storage.ts does not exist yet");
  });
});

describe("parseJunitCases", () => {
  it("reads each test case's suite, name and time in ms", () => {
    const xml = `<testsuite name="suites/get.suite.ts">
      <testcase classname="suites/get.suite.ts" name="get [kv] &gt; cache hit" time="0.25">
      </testcase>
      <testcase classname="suites/get.suite.ts" name="get [memory] &gt; miss" time="0.005"/>
    </testsuite>`;
    expect(parseJunitCases(xml)).toEqual([
      { name: "suites/get.suite.ts > get [kv] &gt; cache hit", ms: 250 },
      { name: "suites/get.suite.ts > get [memory] &gt; miss", ms: 5 },
    ]);
  });
});
