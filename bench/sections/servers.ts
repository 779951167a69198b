/**
 * @module bench/sections/servers
 * Memory and load, on real `npm run dev` child processes.
 * Memory: resident size (node + workerd) of a dev server holding the seeded store with its cache
 * filled, beside the same runtime serving the bare "hello" Worker on an empty store; and the
 * Worker's cache bound.
 * Load: autocannon from this process against GET of a cached share, beside a bare Hono "hello"
 * Worker in the same harness runtime and dev server.
 */
import autocannon from "autocannon";
import { createShareHarness } from "../../harness/share/index.js";
import type { BenchContext, SeededStore } from "../context.js";
import { BenchError } from "../errors.js";
import { compare, interleave, type Comparison } from "../measure.js";
import { fmt } from "../report.js";
import { spawnServer, type ChildServer } from "../servers/spawn-server.js";
import { idOf, loadEntries, shareEntries } from "../store.js";
import { buildStore } from "../store-builder.js";
import { createShareClient, type MonitoringAnswer as Monitoring } from "../../src/client.js";

const MIB = 1024 * 1024;
const DEV = "cli/dev.ts";
const LOAD_ROUNDS = 3;

/** GET /api/monitoring of the dev server through the typed client: the route's own answer type. */
async function monitoringOf(baseUrl: string): Promise<Monitoring> {
  const res = await createShareClient(baseUrl).api.monitoring.$get();
  if (res.status !== 200) {
    throw new BenchError("REQUEST_FAILED", `GET ${baseUrl}/api/monitoring: HTTP ${res.status}`);
  }
  return res.json();
}

/** GET every URL, `concurrency` at a time; every answer must be 200. */
async function getAll(urls: string[], concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        const res = await fetch(url);
        if (res.status !== 200) throw new BenchError("REQUEST_FAILED", `GET ${url}: ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
}

/** The seeded store (growth's, used in place: it is scratch) topped up to `count` shares. */
async function memoryStore(ctx: BenchContext, count: number): Promise<SeededStore> {
  const store = ctx.store ?? (await buildStore(ctx, count, "memory"));
  if (store.entries.length >= count) return store;
  const harness = await createShareHarness({ persistTo: store.dir });
  try {
    const extra = shareEntries(count - store.entries.length, 13, harness.clock.now());
    ctx.log(`memory: topping the store up by ${extra.length} shares`);
    await loadEntries(harness, extra);
    ctx.store = { dir: store.dir, entries: [...store.entries, ...extra] };
    return ctx.store;
  } finally {
    await harness.dispose();
  }
}

async function cannon(url: string, seconds: number) {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new BenchError(
      "REQUEST_FAILED",
      `autocannon ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  }
  return result;
}

export async function servers(ctx: BenchContext): Promise<Comparison[]> {
  const { quick, memoryShares, loadSeconds } = ctx.options;
  const store = await memoryStore(ctx, memoryShares);
  // Quick runs hold few shares: shrink the cache so "full" is still reachable.
  const cacheVars = quick ? ["--var", "CACHE_MAX_ENTRIES=50"] : [];
  const common = ["--port", "0", "--no-watch", "--no-logs"];
  const started: ChildServer[] = [];
  const start = async (script: string, args: string[]) => {
    const server = await spawnServer(script, args);
    started.push(server);
    return server;
  };
  try {
    const t0 = performance.now();
    const [big, hello] = await Promise.all([
      start(DEV, [...common, "--persist-to", store.dir, ...cacheVars]),
      start("bench/servers/hello-server.ts", []),
    ]);
    ctx.log(`servers up in ${Math.round(performance.now() - t0)} ms`);
    const before = await monitoringOf(big.url);
    const ids = store.entries.map(idOf).slice(0, before.cache.maxSize + 200);
    ctx.log(
      `memory: ${before.shares.total} shares stored; reading ${ids.length} to fill the cache`,
    );
    await getAll(ids.map((id) => `${big.url}/api/share/${id}`));
    const after = await monitoringOf(big.url);
    const rss = await interleave(
      5,
      async () => big.rss() / MIB,
      async () => hello.rss() / MIB,
    );
    const out: Comparison[] = [
      compare({
        section: "memory",
        name: `dev server RSS (node + workerd), ${after.shares.total} shares, cache ${after.cache.size}/${after.cache.maxSize}`,
        unit: "MiB",
        subject: { label: "dev server, seeded store, cache full", samples: rss.a },
        baseline: { label: "hello Worker server, empty store", samples: rss.b },
        note: `${memoryShares} shares requested${memoryShares < 100_000 ? " (the issue asks 100,000: npm run bench -- --only memory,load --memory-shares 100000 takes ~3 min more to load)" : ""}`,
      }),
      compare({
        section: "memory",
        name: "Worker cache entries after reading more shares than it holds",
        unit: "entries",
        subject: { label: "cache.size", samples: [after.cache.size] },
        baseline: { label: "cache.maxSize", samples: [after.cache.maxSize] },
        target: {
          text: "cache.size <= cache.maxSize",
          check: (c) => c.subject.summary.median <= c.baseline.summary.median,
        },
      }),
    ];

    const cachedId = ids.at(-1)!;
    const shareUrl = `${big.url}/api/share/${cachedId}`;
    await getAll([shareUrl, shareUrl, `${hello.url}/`]);
    // Warm-up (discarded): a freshly booted server answers its first seconds of load far slower.
    for (let i = 0; i < 2; i++) {
      await cannon(shareUrl, Math.min(2, loadSeconds));
      await cannon(`${hello.url}/`, Math.min(2, loadSeconds));
    }
    ctx.log(`load: autocannon ${loadSeconds} s x ${LOAD_ROUNDS} per side, 10 connections`);
    const runs = { share: [] as autocannon.Result[], hello: [] as autocannon.Result[] };
    await interleave(
      LOAD_ROUNDS,
      async () => (runs.share.push(await cannon(shareUrl, loadSeconds)), 0),
      async () => (runs.hello.push(await cannon(`${hello.url}/`, loadSeconds)), 0),
    );
    const p99 = (r: autocannon.Result[]) => r.map((x) => fmt(x.latency.p99)).join(", ");
    out.push(
      compare({
        section: "load",
        name: "throughput, 10 connections",
        unit: "req/s",
        subject: { label: "GET cached share", samples: runs.share.map((r) => r.requests.average) },
        baseline: { label: "hello Worker", samples: runs.hello.map((r) => r.requests.average) },
      }),
      compare({
        section: "load",
        name: "latency p50, 10 connections",
        unit: "ms",
        subject: { label: "GET cached share", samples: runs.share.map((r) => r.latency.p50) },
        baseline: { label: "hello Worker", samples: runs.hello.map((r) => r.latency.p50) },
        note: `p99 per run: share ${p99(runs.share)} ms; hello ${p99(runs.hello)} ms`,
      }),
    );
    return out;
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
  }
}
