/**
 * @module routes/monitoring
 * GET /api/monitoring: per-isolate counters, KV-derived totals (marked `stale` when KV fails
 * now, even if a recent count is held), corrupt records, and the health of each dependency. The
 * totals come from a key scan; only a caller with the admin token makes an isolate scan again (at
 * most every 60 s), anyone else gets the counts the isolate holds, `stale` once they are older
 * than that, with `countedAt` (docs/decisions/monitoring-access.md).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { AppError } from "../errors.js";
import { hasAdminBearer } from "../auth/admin-bearer.js";
import { now } from "../clock.js";
import { checkHealth } from "../health/check.js";
import { MAX_CORRUPT_KEYS } from "../shares/corrupt.js";
import { INVENTORY_TTL_MS, type Inventory } from "../shares/inventory.js";

/** Corrupt keys named in monitoring (all are counted). */
const CORRUPT_KEYS_SHOWN = 20;

export const monitoringRoutes = new Hono<AppEnv>().get("/api/monitoring", async (c) => {
  const state = c.get("isolate");
  const { metrics, cache, pendingWrites, corruptKeys } = state;
  const health = await checkHealth(c.env, c.get("config"), c.get("backend").name, state);
  let inventory: Inventory;
  // Counts held from before an outage are figures KV cannot confirm now.
  let inventoryStale = health.checks.storage.status === "failing";
  const refresh = await hasAdminBearer(c.req.header("authorization"), c.get("config").adminToken);
  try {
    inventory = await c.get("store").inventory({ refresh });
  } catch (error) {
    const held = state.inventory;
    if (!(error instanceof AppError) || error.code !== "storage_unavailable" || !held) throw error;
    inventory = held.value;
    inventoryStale = true;
  }
  const countedAt = state.inventory?.at;
  const lookups = cache.hits + cache.misses;
  const isKv = c.get("backend").name === "kv";
  return c.json({
    backend: c.get("backend").name,
    shares: {
      total: inventory.total + inventory.legacy.length + pendingWrites.size,
      r2Stored: inventory.r2Stored,
      legacy: inventory.legacy.length,
      pending: pendingWrites.size,
      stale: inventoryStale || (countedAt !== undefined && now() - countedAt >= INVENTORY_TTL_MS),
      ...(countedAt !== undefined ? { countedAt: new Date(countedAt).toISOString() } : {}),
    },
    cache: {
      hits: isKv ? cache.hits : 0,
      misses: isKv ? cache.misses : 0,
      hitRate: isKv && lookups > 0 ? cache.hits / lookups : 0,
      size: isKv ? cache.size : 0,
      maxSize: c.get("config").cacheMaxEntries,
    },
    kv: {
      reads: metrics.reads,
      writes: metrics.writes,
      deletes: metrics.deletes,
      lists: metrics.lists,
      errors: metrics.errors,
      errorRate: metrics.errorRate(),
      retries: metrics.retries,
      fallbacks: metrics.fallbacks,
      pendingWrites: pendingWrites.size,
    },
    latencyMs: {
      get: metrics.latency("get"),
      put: metrics.latency("put"),
      list: metrics.latency("list"),
    },
    corruptRecords: corruptKeys.size,
    corrupt: {
      records: corruptKeys.size,
      capped: corruptKeys.size >= MAX_CORRUPT_KEYS,
      keys: [...corruptKeys].slice(0, CORRUPT_KEYS_SHOWN).map(([key, r]) => ({
        key,
        reason: r.reason,
      })),
    },
    health: {
      status: health.status,
      degraded: health.degraded,
      checks: health.checks,
      probe: { ...health.probe, count: state.healthProbes },
    },
    isolateStartedAt: new Date(metrics.startedAt).toISOString(),
  });
});
