/**
 * @module reliability/soak/run-soak
 * The chaos soak: concurrent seeded clients against a production-profile harness with several
 * isolates while seeded faults hit every KV op, writes go down at the end of every restart period
 * and the runtime restarts or crashes between periods. Then faults stop, pending writes flush, the
 * clock moves past every cache window and the end state is checked against what clients were told.
 */
import { randomBytes } from "node:crypto";
import pLimit from "p-limit";
import { createShareHarness } from "../../harness/share/index.js";
import type { Harness, HarnessOptions } from "../../harness/types.js";
import { shareKey } from "../../src/shares/record.js";
import { runOp, type ClientContext } from "./client.js";
import { backgroundFaults, writesDown } from "./fault-plan.js";
import { buildLedger, type OpRecord } from "./history.js";
import { kvShareIds, monitoringOf, OBSERVE_CONCURRENCY, observeIsolate } from "./observe.js";
import { reproduceCommand, resolveSoakOptions, type SoakOptions } from "./options.js";
import { planMidSwitches, planOps, planRestarts, type PlannedOp } from "./plan.js";
import type { SoakSummary } from "./summary.js";
import { countKeyed, countRequests } from "./summary.js";
import {
  checkDuplicates,
  checkFinal,
  checkLogsForSecrets,
  checkRestartLoss,
  expectedLive,
  type Violation,
} from "./violations.js";

export interface SoakHooks {
  /** Called after every restart period. */
  onPeriod?: (done: number, total: number, requests: number) => void;
  /** Extra harness options (tests only). */
  harness?: Partial<HarnessOptions>;
}

export interface SoakResult {
  summary: SoakSummary;
  /** Every request made during the chaos phase. */
  records: OpRecord[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Acknowledged-pending shares that may still be only in an isolate's memory (of a runtime
 * generation before `generation`, when given: a switch only wipes the isolates it replaced).
 */
function pendingCandidates(
  records: readonly OpRecord[],
  lost: Set<string>,
  generation = Infinity,
): string[] {
  const ledger = buildLedger(records);
  return [...ledger.acked]
    .filter(
      ([id, a]) =>
        a.status === 202 && a.generation < generation && !ledger.deleted.has(id) && !lost.has(id),
    )
    .map(([id]) => id);
}

/** Every share in KV with the URL it was created for (one snapshot read, no Worker, no caches). */
async function kvShares(harness: Harness): Promise<{ id: string; generatedUrl: string }[]> {
  const { entries } = await harness.kv.snapshot({ prefix: "share:" });
  return entries.flatMap((e) => {
    try {
      const share = JSON.parse(e.value) as { generatedUrl?: unknown };
      return typeof share.generatedUrl === "string"
        ? [{ id: e.key.slice("share:".length), generatedUrl: share.generatedUrl }]
        : [];
    } catch {
      return [];
    }
  });
}

async function notInKv(harness: Harness, ids: readonly string[]): Promise<Set<string>> {
  const values = await pLimit(OBSERVE_CONCURRENCY).map(ids, (id) => harness.kv.get(shareKey(id)));
  return new Set(ids.filter((_, i) => values[i] === null));
}

async function sumPending(harness: Harness): Promise<number> {
  let sum = 0;
  for (let i = 0; i < harness.options.isolates; i++) {
    const m = await monitoringOf(harness, i);
    if (!m) return Number.NaN;
    sum += m.pending;
  }
  return sum;
}

/**
 * The test timeout for the short soaks in `npm test`: each boots workerd four times and sends 300
 * requests, CPU-bound work that takes about 25 s alone on two cores and over 60 s at load 25. It
 * detects a hang; it is not a speed check (speed is `npm run bench`).
 */
export const SOAK_TIMEOUT_MS = 240_000;

/**
 * The short soaks' shape in `npm test`: 300 requests from 10 clients on 2 isolates, a restart
 * every 150, faults on a fifth of KV operations. Each soak adds its seed and fallback.
 */
export const SHORT_SOAK = {
  ops: 300,
  clients: 10,
  restartEvery: 150,
  isolates: 2,
  faultRate: 0.2,
} as const satisfies Partial<SoakOptions>;

/**
 * Run a soak. Never throws for a violation: they are in `summary.violations`.
 * @example const { summary } = await runSoak({ ops: 300, clients: 10, restartEvery: 150, seed: 1 });
 */
export async function runSoak(
  input: Partial<SoakOptions> = {},
  hooks: SoakHooks = {},
): Promise<SoakResult> {
  const options = resolveSoakOptions(input);
  const startedAt = performance.now();
  const deadline = startedAt + options.maxSeconds * 1000;
  // Secrets the Worker holds; the logs must never show them.
  const adminToken = `soak-admin-${randomBytes(12).toString("hex")}`;
  const cloudflareToken = `soak-cf-${randomBytes(12).toString("hex")}`;
  const harness = await createShareHarness({
    persistTo: "temp",
    isolates: options.isolates,
    profile: "production",
    seed: options.seed,
    // Many shares a second from few clients is the soak's load, not abuse: lift the create limit.
    rateLimits: { SHARE_CREATE_LIMITER: { limit: 1_000_000, period: 60 } },
    ...hooks.harness,
    vars: {
      KV_WRITE_FALLBACK: options.fallback,
      KV_RETRY_BASE_MS: String(options.retryBaseMs),
      ADMIN_TOKEN: adminToken,
      CLOUDFLARE_API_TOKEN: cloudflareToken,
      ...hooks.harness?.vars,
    },
  });
  const records: OpRecord[] = [];
  const violations: Violation[] = [];
  const lost = new Set<string>();
  const kv = { operations: 0, faults: 0, rateLimited: 0 };
  const restarts = { clean: 0, crash: 0, underTraffic: 0 };
  let outages = 0;
  let epoch = 0;
  let generation = 0;
  let outage = false;
  const ctx: ClientContext = {
    harness,
    fallback: options.fallback,
    adminToken,
    known: [],
    records,
    violations,
    startedAt,
    epoch: () => epoch,
    generation: () => generation,
    outage: () => outage,
    attempts: options.attempts,
  };
  const scanLogs = () => {
    violations.push(
      ...checkLogsForSecrets(
        harness.logs.all().map((l) => l.text),
        [adminToken, cloudflareToken],
      ),
    );
    harness.logs.clear();
  };
  const addCounters = async () => {
    const { total } = await harness.counters();
    kv.operations += total.reads + total.writes + total.deletes + total.lists;
    kv.faults += total.faults;
    kv.rateLimited += total.rateLimited;
    await harness.resetCounters();
  };
  const background = backgroundFaults(options.faultRate, options.seed);
  let timedOut = false;

  /**
   * A restart or crash while the clients keep sending: requests in flight finish (restart) or get
   * 503 worker_unavailable (crash); pending shares of the replaced isolates are lost.
   */
  async function switchUnderTraffic(crash: boolean): Promise<void> {
    generation++;
    const before = generation;
    if (crash) await harness.crashAndRecover();
    else await harness.restart();
    restarts.underTraffic++;
    restarts[crash ? "crash" : "clean"]++;
    for (const id of await notInKv(harness, pendingCandidates(records, lost, before))) lost.add(id);
  }

  async function runPeriod(
    ops: readonly PlannedOp[],
    mid: { crash: boolean; at: number } | undefined,
  ): Promise<void> {
    outage = false;
    await harness.faults.set(background);
    const outageAt = options.outage > 0 ? Math.floor(ops.length * (1 - options.outage)) : Infinity;
    const switchAt = mid ? Math.floor(ops.length * mid.at) : Infinity;
    let switching: Promise<unknown> | undefined;
    let midSwitch: Promise<void> | undefined;
    let next = 0;
    const client = async (c: number) => {
      while (next < ops.length) {
        if (performance.now() > deadline) {
          timedOut = true;
          return;
        }
        const k = next++;
        // The switch runs beside the clients: they go on sending while it happens.
        if (k >= switchAt && !midSwitch) midSwitch = switchUnderTraffic(mid!.crash);
        if (k >= outageAt) {
          if (!switching) {
            outage = true;
            outages++;
            switching = harness.faults.set([...writesDown(), ...background]);
          }
          await switching;
        }
        await runOp(ctx, ops[k]!, c);
      }
    };
    await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
    await midSwitch;
  }

  /** Block writes so nothing flushes, compare pending counts with KV, restart, see what was lost. */
  async function restartAfter(
    period: number,
    plan: { crash: boolean; advanceMs: number },
  ): Promise<void> {
    await addCounters();
    await harness.faults.set([writesDown()[0]!]);
    const candidates = pendingCandidates(records, lost);
    let reported = Number.NaN;
    let pendingIds = new Set<string>();
    for (let round = 0; round < 10; round++) {
      reported = await sumPending(harness);
      pendingIds = await notInKv(harness, candidates);
      if (reported === pendingIds.size) break;
      await sleep(25);
    }
    scanLogs();
    generation++;
    if (plan.crash) await harness.crashAndRecover();
    else await harness.restart();
    restarts[plan.crash ? "crash" : "clean"]++;
    const lostIds = await notInKv(harness, candidates);
    violations.push(
      ...checkRestartLoss({ epoch: period, reportedPending: reported, pendingIds, lostIds }),
    );
    for (const id of lostIds) lost.add(id);
    await harness.clock.advance(plan.advanceMs);
    await harness.resetCounters();
  }

  try {
    const periods = chunk(planOps(options), options.restartEvery || options.ops);
    const restartPlan = planRestarts(options.seed, periods.length - 1);
    const midPlan = planMidSwitches(options.seed, periods.length);
    const underTraffic = options.midSwitch && options.restartEvery > 0;
    for (let p = 0; p < periods.length && !timedOut; p++) {
      epoch = p;
      await runPeriod(periods[p]!, underTraffic ? midPlan[p] : undefined);
      if (p < periods.length - 1 && !timedOut) await restartAfter(p, restartPlan[p]!);
      hooks.onPeriod?.(p + 1, periods.length, records.length);
    }
    if (timedOut) {
      violations.push({
        code: "time_budget",
        message: `stopped after --max-seconds ${options.maxSeconds} with ops left`,
      });
    }

    // Recovery: faults stop, pending shares flush (every request starts a flush), caches expire.
    await addCounters();
    await harness.faults.clear();
    const pendingAtEnd = await notInKv(harness, pendingCandidates(records, lost));
    for (let round = 0; round < 100 && pendingAtEnd.size > 0; round++) {
      if ((await sumPending(harness)) === 0) break;
      await sleep(20);
    }
    const stillPending = await notInKv(harness, [...pendingAtEnd]);
    await harness.clock.advance(options.settleMs);

    const ledger = buildLedger(records);
    const inKv = await kvShares(harness);
    // A create nobody was told about may have made its share: that share is live, once.
    let adopted = 0;
    for (const share of inKv) {
      const body = ledger.unknown.get(share.generatedUrl);
      if (body && !ledger.acked.has(share.id)) {
        ledger.acked.set(share.id, { status: 201, body, isolate: -1, generation });
        adopted++;
      }
    }
    violations.push(...checkDuplicates(records, inKv));
    const kvIds = await kvShareIds(harness);
    // A delete nobody heard back from either happened or not: KV says which.
    for (const id of ledger.maybeDeleted) if (!kvIds.has(id)) ledger.deleted.add(id);
    const problems: string[] = [];
    const ids = [...ledger.acked.keys()];
    const isolates = [];
    for (let i = 0; i < options.isolates; i++)
      isolates.push(await observeIsolate(harness, i, ids, problems, adminToken));
    violations.push(
      ...problems.map((p) => ({ code: "bad_response" as const, message: `after recovery: ${p}` })),
    );
    violations.push(...checkFinal(ledger, { kvIds, isolates, lost }));
    scanLogs();

    const summary: SoakSummary = {
      options,
      seconds: (performance.now() - startedAt) / 1000,
      requests: countRequests(records),
      kv,
      restarts,
      outages,
      shares: {
        acknowledged: ledger.acked.size,
        pending: [...ledger.acked.values()].filter((a) => a.status === 202).length,
        deleted: ledger.deleted.size,
        lostToRestarts: lost.size,
        flushedAfterRecovery: pendingAtEnd.size - stillPending.size,
        live: expectedLive(ledger, lost).size,
        inKv: kvIds.size,
        adopted,
      },
      keyed: countKeyed(records, violations.filter((v) => v.code === "duplicate_share").length),
      violations,
      reproduce: reproduceCommand(options),
    };
    return { summary, records };
  } finally {
    await harness.dispose();
  }
}
