/**
 * @module bench/sections/kv-ops
 * One KV call's cost, timed inside workerd: the binding a Worker gets from the harness vs
 * Miniflare's raw binding in the same workerd, interleaved. With no rules and the miniflare
 * profile the binding hands calls straight to Miniflare's (target: get <= 1.2x); the row through
 * the layer's service is what every call costs once a rule, the production profile or the
 * virtual clock is in play (reported, no target). Each get row has a CPU twin: the CPU (Node plus
 * workerd) one call cost, measured around the same samples, which load inflates far less.
 */
import { workerdChildren } from "../../harness/node/runtime.js";
import { createProbeHarness } from "../../harness/test-support/probe-harness.js";
import type { BenchContext } from "../context.js";
import { timedWithCpu } from "../cpu.js";
import { BenchError } from "../errors.js";
import { compare, interleave, type Comparison } from "../measure.js";

/** KV calls per sample: enough to average out workerd's millisecond clock. */
const BATCH = 50;

export async function kvOps(ctx: BenchContext): Promise<Comparison[]> {
  const before = workerdChildren();
  const probe = await createProbeHarness();
  const pids = workerdChildren().filter((pid) => !before.includes(pid));
  try {
    await probe.harness.kv.put("bench:key", "x".repeat(1000), { metadata: { size: 1000 } });
    /** Wall ms per call timed inside workerd; the CPU ms per call goes onto `cpu`. */
    const perCall = async (target: string, scenario: string, key: string, cpu: number[] = []) => {
      let ms = Number.NaN;
      const batch: number[] = [];
      const run = async () => {
        ({ ms } = (await probe.scenario(target, scenario, key, BATCH)) as { ms: number });
      };
      await timedWithCpu(run, pids, batch);
      if (!(ms >= 0)) throw new BenchError("REQUEST_FAILED", `${scenario} on ${target}: no time`);
      cpu.push(...batch.map((x) => x / BATCH));
      return ms / BATCH;
    };
    const rows: [string, string, string, string, boolean][] = [
      ["get, no rules (binding a Worker gets)", "timedReads", "LAYER_0", "bench:key", true],
      ["get through the layer's service", "timedReads", "LAYER_0:layer", "bench:key", false],
      ["put, no rules (binding a Worker gets)", "timedWrites", "LAYER_0", "bench:put", false],
      ["put through the layer's service", "timedWrites", "LAYER_0:layer", "bench:put", false],
    ];
    // Warm-up: compile both paths.
    for (const [, scenario, target, key] of rows) {
      await perCall(target, scenario, key);
      await perCall("RAW", scenario, key);
    }
    const out: Comparison[] = [];
    for (const [name, scenario, target, key, targeted] of rows) {
      ctx.log(`kv: ${name}, ${ctx.options.kvRounds} rounds of ${BATCH}`);
      const cpu = { a: [] as number[], b: [] as number[] };
      const { a, b } = await interleave(
        ctx.options.kvRounds,
        () => perCall(target, scenario, key, cpu.a),
        () => perCall("RAW", scenario, key, cpu.b),
      );
      out.push(
        compare({
          section: "kv",
          name,
          unit: "ms",
          subject: {
            label: target.endsWith(":layer") ? "layer service" : "harness binding",
            samples: a,
          },
          baseline: { label: "raw Miniflare binding", samples: b },
          ...(targeted
            ? { target: { text: "ratio <= 1.20", check: (c: Comparison) => c.ratio <= 1.2 } }
            : {}),
          note: `per call, ${BATCH} calls per sample, timed inside workerd`,
        }),
      );
      if (cpu.a.length === a.length && cpu.b.length === b.length) {
        out.push(
          compare({
            section: "kv",
            name: `${name}, CPU per call`,
            unit: "ms",
            subject: {
              label: target.endsWith(":layer") ? "layer service" : "harness binding",
              samples: cpu.a,
            },
            baseline: { label: "raw Miniflare binding", samples: cpu.b },
            ...(targeted
              ? { target: { text: "ratio <= 1.20", check: (c: Comparison) => c.ratio <= 1.2 } }
              : {}),
            note: `Node + workerd CPU per call, ${BATCH} calls per sample (what load does not inflate)`,
          }),
        );
      }
    }
    return out;
  } finally {
    await probe.harness.dispose();
  }
}
