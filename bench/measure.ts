/**
 * @module bench/measure
 * Runs a subject and its baseline interleaved (A, B, A, B, ...) in this process and turns the
 * samples into one `Comparison`: medians, spread and the ratio, with an optional target.
 */
import { ratio, summarize, type Summary } from "./stats.js";

export interface Side {
  label: string;
  summary: Summary;
}

export interface Target {
  /** What a reader checks, e.g. "ratio <= 1.3". */
  text: string;
  met: boolean;
}

export interface Comparison {
  /** Section id: boot, requests, growth, suites, memory, load. */
  section: string;
  name: string;
  unit: string;
  subject: Side;
  baseline: Side;
  /** subject median / baseline median. */
  ratio: number;
  target?: Target;
  note?: string;
}

/** Milliseconds `fn` took (high-resolution clock). */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Run `subject` and `baseline` alternately `rounds` times; each call returns one sample.
 * @example const { a, b } = await interleave(5, () => timed(bootHarness), () => timed(bootPlain));
 */
export async function interleave(
  rounds: number,
  subject: (round: number) => Promise<number>,
  baseline: (round: number) => Promise<number>,
): Promise<{ a: number[]; b: number[] }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    a.push(await subject(round));
    b.push(await baseline(round));
  }
  return { a, b };
}

export function compare(
  init: Omit<Comparison, "subject" | "baseline" | "ratio" | "target"> & {
    subject: { label: string; samples: number[] };
    baseline: { label: string; samples: number[] };
    /** Decides the target from the comparison, e.g. `(c) => c.ratio <= 1.3`. */
    target?: { text: string; check: (c: Comparison) => boolean };
  },
): Comparison {
  const { subject, baseline, target, ...rest } = init;
  const c: Comparison = {
    ...rest,
    subject: { label: subject.label, summary: summarize(subject.samples) },
    baseline: { label: baseline.label, summary: summarize(baseline.samples) },
    ratio: Number.NaN,
  };
  c.ratio = ratio(c.subject.summary.median, c.baseline.summary.median);
  if (target) c.target = { text: target.text, met: target.check(c) };
  return c;
}
