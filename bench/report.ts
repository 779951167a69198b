/**
 * @module bench/report
 * The run's result as `bench.json` (machine-readable), `bench.md` (a table a person reads) and a
 * short terminal summary. Targets are reported as met / not met, never asserted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import type { Comparison } from "./measure.js";

export interface BenchReport {
  command: string;
  startedAt: string;
  durationMs: number;
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  comparisons: Comparison[];
  /** Sections that did not run, and why. */
  skipped: { section: string; reason: string }[];
}

export function machineInfo(): BenchReport["machine"] {
  const list = cpus();
  return {
    node: process.version,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    platform: `${process.platform}-${process.arch}`,
  };
}

/** A number for people: 3 significant digits, no exponent. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const sideCell = (c: Comparison, which: "subject" | "baseline") => {
  const s = c[which].summary;
  return `${fmt(s.median)} ${c.unit} (p95 ${fmt(s.p95)}, IQR ${fmt(s.iqr)}, n=${s.n})`;
};

const targetCell = (c: Comparison) =>
  c.target ? `${c.target.met ? "met" : "NOT MET"}: ${c.target.text}` : "";

export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    "# Benchmarks",
    "",
    `Command: \`${report.command}\` · ${report.startedAt} · ${Math.round(report.durationMs / 1000)} s · ` +
      `Node ${m.node} · ${m.cpus} × ${m.cpuModel} · ${m.platform}`,
    "",
    "Each row: subject and baseline measured interleaved (A, B, A, B, ...) in this run; medians with " +
      "p95 and interquartile range; ratio = subject median / baseline median.",
    "",
  ];
  const sections = [...new Set(report.comparisons.map((c) => c.section))];
  for (const section of sections) {
    lines.push(
      `## ${section}`,
      "",
      "| figure | subject | median (spread) | baseline | median (spread) | ratio | target |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const c of report.comparisons.filter((r) => r.section === section)) {
      lines.push(
        `| ${c.name} | ${c.subject.label} | ${sideCell(c, "subject")} | ${c.baseline.label} | ` +
          `${sideCell(c, "baseline")} | ${fmt(c.ratio)} | ${targetCell(c)} |`,
      );
    }
    const notes = report.comparisons.filter((r) => r.section === section && r.note);
    if (notes.length > 0) {
      lines.push("", ...notes.map((c) => `- ${c.name}: ${c.note}`));
    }
    lines.push("");
  }
  if (report.skipped.length > 0) {
    lines.push("## not run", "", ...report.skipped.map((s) => `- ${s.section}: ${s.reason}`), "");
  }
  return lines.join("\n");
}

/** One line per row with a target (the rest are in bench.md), plus the counts. */
export function summaryLines(report: BenchReport): string[] {
  const targeted = report.comparisons.filter((c) => c.target);
  const met = targeted.filter((c) => c.target!.met).length;
  return [
    ...targeted.map(
      (c) =>
        `${c.target!.met ? "met    " : "NOT MET"}  ${c.section}: ${c.name}: ${fmt(c.subject.summary.median)} vs ` +
        `${fmt(c.baseline.summary.median)} ${c.unit}, ratio ${fmt(c.ratio)} (${c.target!.text})`,
    ),
    ...report.skipped.map((s) => `skipped  ${s.section}: ${s.reason}`),
    `targets: ${met} met, ${targeted.length - met} not met; ${report.comparisons.length} rows`,
  ];
}

/** JSON has no NaN: write it as null. */
const replacer = (_key: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? null : value;

export function writeReport(report: BenchReport, outDir: string): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, "bench.json");
  const md = path.join(outDir, "bench.md");
  writeFileSync(json, `${JSON.stringify(report, replacer, 2)}\n`);
  writeFileSync(md, toMarkdown(report));
  return { json, md };
}
