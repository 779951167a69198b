/**
 * @module bench/sections/requests
 * Per-request latency through the harness (no fault rules) vs plain Miniflare on the same bundle:
 * create, get (cache hit), get (cache miss), list page. Throughput is sequential requests/s.
 * Beside each latency row, the CPU each request cost (Node plus that side's workerd), measured
 * in the same calls: on a loaded machine wall time mostly measures waiting for a core.
 */
import { createShareHarness } from "../../harness/share/index.js";
import { workerdChildren } from "../../harness/node/runtime.js";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { clientOver, postShare, type ShareClient } from "../../src/client.js";
import type { BenchContext } from "../context.js";
import { timedWithCpu } from "../cpu.js";
import { BenchError } from "../errors.js";
import { compare, interleave, type Comparison } from "../measure.js";
import { benchRateLimits, bundlePlainWorker, PlainWorker } from "../plain-miniflare.js";
import { fmt } from "../report.js";
import { idOf, shareEntries } from "../store.js";

type Answer = Pick<Response, "status" | "arrayBuffer">;

/** One request through the typed client; `what` names it in the error. */
async function call(what: string, status: number, sent: Promise<Answer>) {
  const res = await sent;
  if (res.status !== status) throw new BenchError("REQUEST_FAILED", `${what}: HTTP ${res.status}`);
  await res.arrayBuffer();
}

export async function requests(ctx: BenchContext): Promise<Comparison[]> {
  const rounds = ctx.options.requestRounds;
  const code = await bundlePlainWorker();
  const before = workerdChildren();
  const harness = await createShareHarness({ persistTo: "temp", rateLimits: benchRateLimits() });
  const harnessPids = workerdChildren().filter((pid) => !before.includes(pid));
  const plain = await PlainWorker.start(code, ctx.tempDir("requests-plain"));
  const plainPids = workerdChildren().filter(
    (pid) => !before.includes(pid) && !harnessPids.includes(pid),
  );
  try {
    // One distinct stored share per miss round, plus one that stays cached for the hit rounds.
    const entries = shareEntries(rounds + 1, 11, harness.clock.now());
    await harness.kv.load({ version: 1, takenAt: harness.clock.now(), entries });
    await plain.load(entries);
    const ids = entries.map(idOf);
    const hitId = ids[0]!;
    const bodies = createShareFactory(12);
    // The same typed client (hc<AppType>) on both sides: only what serves the request differs.
    const h = clientOver((path, init) => harness.fetch(path, init));
    const p = clientOver((path, init) => plain.fetch(path, init));
    const get = (api: ShareClient, id: string) =>
      call(`GET /api/share/${id}`, 200, api.api.share[":id"].$get({ param: { id } }));
    const listPage = (api: ShareClient) =>
      call("GET /api/shares?limit=20", 200, api.api.shares.$get({ query: { limit: "20" } }));
    const kinds: [string, (api: ShareClient, round: number) => Promise<void>][] = [
      ["create", (api) => call("POST /api/share", 201, postShare(api, bodies.createBody()))],
      ["get (cache hit)", (api) => get(api, hitId)],
      ["get (cache miss)", (api, round) => get(api, ids[round + 1]!)],
      ["list page (20)", listPage],
    ];
    // Warm-up: compile paths on both and put the hit share in both isolate caches.
    for (const api of [h, p]) {
      for (let i = 0; i < 5; i++) await get(api, hitId);
      await listPage(api);
    }
    const out: Comparison[] = [];
    for (const [name, run] of kinds) {
      ctx.log(`requests: ${name}, ${rounds} rounds`);
      const cpu = { a: [] as number[], b: [] as number[] };
      const { a, b } = await interleave(
        rounds,
        (round) => timedWithCpu(() => run(h, round), harnessPids, cpu.a),
        (round) => timedWithCpu(() => run(p, round), plainPids, cpu.b),
      );
      const perSecond = (samples: number[]) =>
        (samples.length * 1000) / samples.reduce((s, x) => s + x, 0);
      out.push(
        compare({
          section: "requests",
          name,
          unit: "ms",
          subject: { label: "harness (no rules)", samples: a },
          baseline: { label: "plain Miniflare", samples: b },
          target: { text: "p50 ratio <= 1.05", check: (c) => c.ratio <= 1.05 },
          note: `sequential throughput ${fmt(perSecond(a))} req/s (harness) vs ${fmt(perSecond(b))} req/s (plain)`,
        }),
      );
      if (cpu.a.length === rounds && cpu.b.length === rounds) {
        out.push(
          compare({
            section: "requests",
            name: `${name}, CPU per request`,
            unit: "ms",
            subject: { label: "harness (no rules)", samples: cpu.a },
            baseline: { label: "plain Miniflare", samples: cpu.b },
            target: { text: "p50 ratio <= 1.05", check: (c) => c.ratio <= 1.05 },
            note: "Node + workerd CPU time spent on the request (what load does not inflate)",
          }),
        );
      }
    }
    return out;
  } finally {
    await Promise.allSettled([harness.dispose(), plain.dispose()]);
  }
}
