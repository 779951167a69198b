/**
 * @module health/check
 * What `/healthz` and monitoring report about the Worker's dependencies, from probes: one KV read
 * of a key no share uses (past the isolate's read cache, which would hide an outage) and, when the
 * R2 bucket is bound, one `head`. One probe per isolate per HEALTH_PROBE_WINDOW_MS answers every
 * call in that window (concurrent calls share the probe in flight), so callers cannot make the
 * Worker do repeated work; the answer says how old its probe is. Contract: docs/decisions/health.md.
 */
import { now } from "../clock.js";
import type { Config, Env } from "../env.js";
import type { IsolateState } from "../state.js";
import { withTimeout } from "../storage/retry.js";
import type { KvBinding } from "../storage/types.js";

/** Read by the storage probe; never written, so the read is a miss. */
export const HEALTH_PROBE_KEY = "healthz:probe";

/** How long one probe answers for (virtual ms): the longest an outage can go unreported. */
export const HEALTH_PROBE_WINDOW_MS = 5_000;

export type StorageStatus = "ok" | "recovering" | "failing" | "not_durable";
export type ImagesStatus = "ok" | "failing" | "not_configured";
export type HealthStatus = "ok" | "degraded" | "unavailable";

export interface HealthReport {
  status: HealthStatus;
  backend: "kv" | "memory";
  /** Dependencies that work only in part (status `degraded`) or not at all (`unavailable`). */
  degraded: ("storage" | "images")[];
  checks: {
    storage: {
      status: StorageStatus;
      ms?: number;
      error?: string;
      /** Shares this isolate holds in memory because KV failed (KV_WRITE_FALLBACK=memory). */
      pendingWrites: number;
      writeFallback: Config["writeFallback"];
    };
    images: { status: ImagesStatus; ms?: number; error?: string };
  };
  /** The probe this answer comes from: when it started, how old it is, how long one is reused. */
  probe: { at: string; ageMs: number; windowMs: number };
}

type ProbeOutcome = { ok: true; ms: number } | { ok: false; ms: number; error: string };

/** One probe of both dependencies; `undefined` for one not probed (memory backend, no bucket). */
export interface HealthProbe {
  at: number;
  result: Promise<{ kv: ProbeOutcome | undefined; r2: ProbeOutcome | undefined }>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

async function probe<T>(
  run: () => Promise<T>,
  timeoutMs: number,
  op: string,
): Promise<ProbeOutcome> {
  const start = now();
  try {
    await withTimeout(run(), op, timeoutMs);
    return { ok: true as const, ms: now() - start };
  } catch (error) {
    return { ok: false as const, ms: now() - start, error: message(error) };
  }
}

/**
 * Probe KV (or note the memory backend) and R2, and sum it up.
 * @example const report = await checkHealth(c.env, config, "kv", isolate);
 */
export async function checkHealth(
  env: Env,
  config: Config,
  backend: "kv" | "memory",
  state: IsolateState,
): Promise<HealthReport> {
  const pendingWrites = state.pendingWrites.size;
  const storage: HealthReport["checks"]["storage"] = {
    status: "not_durable",
    pendingWrites,
    writeFallback: config.writeFallback,
  };
  const current = currentProbe(env, config, backend, state);
  const { kv: kvProbe, r2: r2Probe } = await current.result;
  // The probes are not counted in monitoring's KV counters: those describe the traffic's own
  // operations, and watching them must not move them.
  if (kvProbe) {
    storage.status = !kvProbe.ok ? "failing" : pendingWrites > 0 ? "recovering" : "ok";
    storage.ms = kvProbe.ms;
    if (!kvProbe.ok) storage.error = kvProbe.error;
  }
  const images: HealthReport["checks"]["images"] = r2Probe
    ? { status: r2Probe.ok ? "ok" : "failing", ms: r2Probe.ms }
    : { status: "not_configured" };
  if (r2Probe && !r2Probe.ok) images.error = r2Probe.error;

  const degraded: HealthReport["degraded"] = [];
  if (storage.status !== "ok") degraded.push("storage");
  if (images.status === "failing") degraded.push("images");
  const status: HealthStatus =
    storage.status === "failing" ? "unavailable" : degraded.length > 0 ? "degraded" : "ok";
  const probeInfo = {
    at: new Date(current.at).toISOString(),
    ageMs: Math.max(0, now() - current.at),
    windowMs: HEALTH_PROBE_WINDOW_MS,
  };
  return { status, backend, degraded, checks: { storage, images }, probe: probeInfo };
}

/** The isolate's probe if it is younger than the window (or still running), else a new one. */
function currentProbe(
  env: Env,
  config: Config,
  backend: "kv" | "memory",
  state: IsolateState,
): HealthProbe {
  const held = state.healthProbe;
  if (held && now() - held.at < HEALTH_PROBE_WINDOW_MS) return held;
  const kv = env.SHARE_DATA_KV as unknown as KvBinding | undefined;
  const bucket = env.SHARE_IMAGES;
  const run = async () => {
    const [kvOutcome, r2Outcome] = await Promise.all([
      backend === "kv" && kv
        ? probe(() => kv.get(HEALTH_PROBE_KEY), config.opTimeoutMs, "GET")
        : undefined,
      bucket ? probe(() => bucket.head(HEALTH_PROBE_KEY), config.opTimeoutMs, "HEAD") : undefined,
    ]);
    return { kv: kvOutcome, r2: r2Outcome };
  };
  // Held before it settles, so concurrent calls share this probe instead of starting their own.
  const fresh: HealthProbe = { at: now(), result: run() };
  state.healthProbe = fresh;
  state.healthProbes += 1;
  return fresh;
}
