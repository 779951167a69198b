/**
 * @module routes/monitoring
 * GET /api/monitoring (per-isolate counters, KV-derived totals) and GET /healthz.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { AppError } from "../errors.js";
import { MAX_CORRUPT_KEYS } from "../shares/corrupt.js";
import type { Inventory } from "../shares/inventory.js";

/** Corrupt keys named in monitoring (all are counted). */
const CORRUPT_KEYS_SHOWN = 20;

export const monitoringRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ ok: true, backend: c.get("backend").name }))
  .get("/api/monitoring", async (c) => {
    const { metrics, cache, pendingWrites, corruptKeys } = c.get("store").state;
    let inventory: Inventory;
    let inventoryStale = false;
    try {
      inventory = await c.get("store").inventory();
    } catch (error) {
      const held = c.get("store").state.inventory;
      if (!(error instanceof AppError) || error.code !== "storage_unavailable" || !held)
        throw error;
      inventory = held.value;
      inventoryStale = true;
    }
    const lookups = cache.hits + cache.misses;
    const isKv = c.get("backend").name === "kv";
    return c.json({
      backend: c.get("backend").name,
      shares: {
        total: inventory.total + inventory.legacy.length + pendingWrites.size,
        r2Stored: inventory.r2Stored,
        legacy: inventory.legacy.length,
        pending: pendingWrites.size,
        stale: inventoryStale,
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
      isolateStartedAt: new Date(metrics.startedAt).toISOString(),
    });
  });
