/**
 * @module bench/sections/boot
 * Boot and restart: the harness vs plain Miniflare on the same Worker bundle, on an empty store
 * and on the seeded store (10,000 shares in the default run). Boot = constructor to the first
 * /healthz answer; restart = restart call to the next /healthz answer.
 */
import { createShareHarness } from "../../harness/share/index.js";
import type { BenchContext, SeededStore } from "../context.js";
import { BenchError } from "../errors.js";
import { compare, interleave, timed, type Comparison } from "../measure.js";
import { benchRateLimits, bundlePlainWorker, PlainWorker } from "../plain-miniflare.js";
import { buildStore } from "../store-builder.js";

async function healthy(res: Response): Promise<void> {
  if (!res.ok) throw new BenchError("REQUEST_FAILED", `/healthz answered ${res.status}`);
  await res.arrayBuffer();
}

interface Cycle {
  boot: number;
  restart: number;
}

async function harnessCycle(persistTo: string): Promise<Cycle> {
  let h!: Awaited<ReturnType<typeof createShareHarness>>;
  const boot = await timed(async () => {
    h = await createShareHarness({ persistTo, rateLimits: benchRateLimits() });
    await healthy(await h.fetch("/healthz"));
  });
  try {
    const restart = await timed(async () => {
      await h.restart();
      await healthy(await h.fetch("/healthz"));
    });
    return { boot, restart };
  } finally {
    await h.dispose();
  }
}

async function plainCycle(code: string, persistDir: string): Promise<Cycle> {
  let p!: PlainWorker;
  const boot = await timed(async () => {
    p = await PlainWorker.start(code, persistDir);
    await healthy(await p.fetch("/healthz"));
  });
  try {
    const restart = await timed(async () => {
      await p.restart();
      await healthy(await p.fetch("/healthz"));
    });
    return { boot, restart };
  } finally {
    await p.dispose();
  }
}

async function cycles(
  rounds: number,
  harnessDir: () => string,
  plainDir: () => string,
  code: string,
) {
  const h: Cycle[] = [];
  const p: Cycle[] = [];
  await interleave(
    rounds,
    async () => (h.push(await harnessCycle(harnessDir())), 0),
    async () => (p.push(await plainCycle(code, plainDir())), 0),
  );
  return { h, p };
}

export async function boot(ctx: BenchContext): Promise<Comparison[]> {
  const rounds = ctx.options.bootRounds;
  const code = await bundlePlainWorker();
  const store: SeededStore =
    ctx.store ?? (await buildStore(ctx, ctx.options.growthSizes.at(-1)!, "boot"));
  const size = store.entries.length;
  // Warm-up (discarded): fills the bundle cache and the OS file cache for both runtimes.
  await harnessCycle(ctx.tempDir("boot-warm-h"));
  await plainCycle(code, ctx.tempDir("boot-warm-p"));

  const out: Comparison[] = [];
  const storeRuns: [string, () => string, () => string][] = [
    ["empty store", () => ctx.tempDir("boot-h"), () => ctx.tempDir("boot-p")],
    [`${size} shares`, () => store.dir, () => store.dir],
  ];
  for (const [label, harnessDir, plainDir] of storeRuns) {
    ctx.log(`boot/restart: ${label}, ${rounds} rounds`);
    const { h, p } = await cycles(rounds, harnessDir, plainDir, code);
    const side = (name: string, samples: number[]) => ({ label: name, samples });
    out.push(
      compare({
        section: "boot",
        name: `boot, ${label}`,
        unit: "ms",
        subject: side(
          "harness",
          h.map((c) => c.boot),
        ),
        baseline: side(
          "plain Miniflare",
          p.map((c) => c.boot),
        ),
        target: { text: "ratio <= 1.3", check: (c) => c.ratio <= 1.3 },
      }),
      compare({
        section: "boot",
        name: `restart, ${label}`,
        unit: "ms",
        subject: side(
          "harness",
          h.map((c) => c.restart),
        ),
        baseline: side(
          "plain Miniflare",
          p.map((c) => c.restart),
        ),
        target:
          label === "empty store"
            ? { text: "ratio <= 1.3", check: (c) => c.ratio <= 1.3 }
            : {
                text: "ratio <= 1.3 and harness restart < 1000 ms",
                check: (c) => c.ratio <= 1.3 && c.subject.summary.median < 1000,
              },
      }),
    );
  }
  return out;
}
