/**
 * @module bench/sections/growth
 * Cost of the n-th create and of a list page as the store grows (10 -> 10,000): this Worker vs the
 * guide's read-modify-write `share:list` design. Time and KV operations (harness counters) per call.
 */
import { type HarnessImpl } from "../../harness/node/create-harness.js";
import { createShareHarness } from "../../harness/share/index.js";
import type { Harness } from "../../harness/types.js";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { clientOver, postShare } from "../../src/client.js";
import { mutantBaseline } from "../baselines/rmw-baseline.js";
import type { BenchContext } from "../context.js";
import { BenchError } from "../errors.js";
import { benchRateLimits } from "../plain-miniflare.js";
import { compare, interleave, timed, type Comparison } from "../measure.js";
import { median } from "../stats.js";
import { idOf, loadEntries, shareEntries } from "../store.js";

const LIST_KEY = "share:list";

async function kvOps(harness: Harness): Promise<number> {
  const { total } = await harness.counters();
  return total.reads + total.writes + total.deletes + total.lists;
}

async function expectStatus(
  res: Pick<Response, "status" | "text" | "arrayBuffer">,
  status: number,
  what: string,
): Promise<void> {
  if (res.status !== status) {
    throw new BenchError("REQUEST_FAILED", `${what}: HTTP ${res.status} ${await res.text()}`);
  }
  await res.arrayBuffer();
}

/**
 * One measured call: its time, and the KV operations it made in `ops`. `after` runs outside the
 * timed part (e.g. to weigh what a create wrote).
 */
function measured<T>(
  harness: Harness,
  call: () => Promise<T>,
  ops: number[],
  after?: (result: T) => Promise<void>,
) {
  return async () => {
    await harness.resetCounters();
    let result!: T;
    const ms = await timed(async () => {
      result = await call();
    });
    ops.push(await kvOps(harness));
    await after?.(result);
    return ms;
  };
}

/** Bytes of the record a create wrote (value + metadata JSON), read back directly. */
async function recordBytes(harness: Harness, id: string): Promise<number> {
  const { value, metadata } = await harness.kv.getWithMetadata(`share:${id}`);
  const encoder = new TextEncoder();
  return (
    encoder.encode(value ?? "").byteLength +
    (metadata === null || metadata === undefined
      ? 0
      : encoder.encode(JSON.stringify(metadata)).byteLength)
  );
}

/** The guide's design as the suites plant it: the `share-list-rmw` mutant of this Worker. */
async function bootBaseline(ctx: BenchContext): Promise<{ harness: HarnessImpl; label: string }> {
  const baseline = mutantBaseline();
  const harness = await createShareHarness({
    persistTo: ctx.tempDir("growth-rmw"),
    rateLimits: benchRateLimits(),
    ...baseline.options,
  });
  return { harness, label: baseline.label };
}

export async function growth(ctx: BenchContext): Promise<Comparison[]> {
  const { growthSizes: sizes, growthRounds: rounds } = ctx.options;
  const subjectDir = ctx.tempDir("growth-worker");
  const subject = await createShareHarness({
    persistTo: subjectDir,
    rateLimits: benchRateLimits(),
  });
  // This Worker on a store that stays at the smallest size: the flatness figure runs against it
  // interleaved, so machine noise hits both sides alike.
  const twin = await createShareHarness({ persistTo: "temp", rateLimits: benchRateLimits() });
  const { harness: baseline, label: baselineLabel } = await bootBaseline(ctx);
  const out: Comparison[] = [];
  const entries = shareEntries(sizes.at(-1)!, 7, subject.clock.now());
  try {
    const bodies = createShareFactory(8);
    const api = (h: Harness) => clientOver((path, init) => h.fetch(path, init));
    const create = (h: Harness) => async () => {
      const res = await postShare(api(h), bodies.createBody());
      if (res.status !== 201) await expectStatus(res, 201, "create");
      return ((await res.json()) as { id: string }).id;
    };
    const listPage = (h: Harness) => async () =>
      expectStatus(await api(h).api.shares.$get({ query: { limit: "20" } }), 200, "list page");
    // Warm the isolates (the first request compiles the bundle) before anything is measured.
    for (const h of [subject, twin, baseline]) {
      await create(h)();
      await listPage(h)();
    }
    await loadEntries(twin, entries.slice(0, sizes[0]));
    const baselineHas = new Set<string>();
    let loaded = 0;
    for (const size of sizes) {
      const more = entries.slice(loaded, size);
      ctx.log(`growth: store ${loaded} -> ${size} shares`);
      // The baseline's cost depends on the share:list array (all ids) and on the records a list
      // page reads (the first 20 ids), not on other records: load only those, it saves minutes.
      const ids = JSON.parse((await baseline.kv.get(LIST_KEY)) ?? "[]") as string[];
      const list = [...more.map(idOf).reverse(), ...ids];
      const head = new Set(list.slice(0, 20));
      const needed = more.filter((e) => head.has(idOf(e)) && !baselineHas.has(e.key));
      await Promise.all([loadEntries(subject, more), loadEntries(baseline, needed)]);
      for (const e of needed) baselineHas.add(e.key);
      await baseline.kv.put(LIST_KEY, JSON.stringify(list));
      loaded = size;
      // The Worker caches KV reads (share:list included, for the mutant): restart both so neither
      // answers from a copy older than the store just written, then warm them up again.
      await Promise.all([subject.restart(), baseline.restart()]);
      for (const h of [subject, baseline]) await listPage(h)();

      const ops = {
        cs: [] as number[],
        cb: [] as number[],
        ls: [] as number[],
        lb: [] as number[],
      };
      const bytes = { s: [] as number[], b: [] as number[] };
      const c = await interleave(
        rounds,
        measured(subject, create(subject), ops.cs, async (id) => {
          bytes.s.push(await recordBytes(subject, id));
        }),
        measured(baseline, create(baseline), ops.cb, async (id) => {
          // The record, plus share:list written back whole, and read whole when the read reached
          // KV (the mutant's reads can come from the Worker's own cache). Counters are per call.
          const list = new TextEncoder().encode((await baseline.kv.get(LIST_KEY)) ?? "");
          const { reads } = (await baseline.counters()).total;
          bytes.b.push((await recordBytes(baseline, id)) + (1 + reads) * list.byteLength);
        }),
      );
      const l = await interleave(
        rounds,
        measured(subject, listPage(subject), ops.ls),
        measured(baseline, listPage(baseline), ops.lb),
      );
      const listBytes = (await baseline.kv.get(LIST_KEY))?.length ?? 0;
      const side = (label: string, samples: number[]) => ({ label, samples });
      out.push(
        compare({
          section: "growth",
          name: `create at ${size} shares: time`,
          unit: "ms",
          subject: side("this Worker", c.a),
          baseline: side(baselineLabel, c.b),
        }),
        compare({
          section: "growth",
          name: `create at ${size} shares: KV ops`,
          unit: "ops",
          subject: side("this Worker", ops.cs),
          baseline: side(baselineLabel, ops.cb),
          note: `the baseline rewrites share:list, now ${listBytes} bytes, on every create (and reads it unless its isolate cached it); this Worker writes one key`,
        }),
        compare({
          section: "growth",
          name: `create at ${size} shares: KV bytes moved`,
          unit: "bytes",
          subject: side("this Worker", bytes.s),
          baseline: side(baselineLabel, bytes.b),
        }),
        compare({
          section: "growth",
          name: `list page (20) at ${size} shares: time`,
          unit: "ms",
          subject: side("this Worker", l.a),
          baseline: side(baselineLabel, l.b),
        }),
        compare({
          section: "growth",
          name: `list page (20) at ${size} shares: KV ops`,
          unit: "ops",
          subject: side("this Worker", ops.ls),
          baseline: side(baselineLabel, ops.lb),
        }),
      );
    }
    const last = sizes.at(-1)!;
    const first = sizes[0]!;
    ctx.log(`growth: this Worker at ${last} vs at ${first} shares, interleaved`);
    const opsBig: number[] = [];
    const opsSmall: number[] = [];
    const flat = await interleave(
      rounds * 2,
      measured(subject, create(subject), opsBig),
      measured(twin, create(twin), opsSmall),
    );

    out.push(
      compare({
        section: "growth",
        name: `this Worker: create at ${last} vs at ${first} shares`,
        unit: "ms",
        subject: { label: `this Worker, ${last} shares`, samples: flat.a },
        baseline: { label: `this Worker, ${first} shares`, samples: flat.b },
        target: { text: "ratio <= 1.2 (flat)", check: (c) => c.ratio <= 1.2 },
        note: `KV ops per create ${median(opsSmall)} -> ${median(opsBig)}; two stores side by side`,
      }),
      ...baselineGrowth(out, first, last, baselineLabel),
    );
  } finally {
    await Promise.allSettled([subject.dispose(), twin.dispose(), baseline.dispose()]);
  }
  ctx.store = { dir: subjectDir, entries };
  return out;
}

/**
 * The baseline's largest-store create against its smallest-store one, in time and in KV bytes
 * (derived from the per-size rows: different moments, so time is shown without a target).
 */
function baselineGrowth(
  rows: Comparison[],
  first: number,
  last: number,
  label: string,
): Comparison[] {
  const derive = (what: "time" | "KV bytes moved", unit: string): Comparison => {
    const pick = (size: number) =>
      rows.find((r) => r.name === `create at ${size} shares: ${what}`)!.baseline.summary;
    const big = pick(last);
    const small = pick(first);
    return {
      section: "growth",
      name: `${label}: create ${what} at ${last} vs at ${first} shares`,
      unit,
      subject: { label: `${label}, ${last} shares`, summary: big },
      baseline: { label: `${label}, ${first} shares`, summary: small },
      ratio: big.median / small.median,
      note: "derived from the per-size rows above (measured at different moments, not interleaved)",
    };
  };
  const bytes = derive("KV bytes moved", "bytes");
  bytes.target = { text: "grows (ratio > 1.2)", met: bytes.ratio > 1.2 };
  return [derive("time", "ms"), bytes];
}
