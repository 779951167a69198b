/**
 * @module routes/health
 * GET /healthz: 200 `ok`, 200 `degraded` naming the dependency, or 503 `unavailable` with
 * Retry-After (and the API's error shape) when KV fails. Contract: docs/decisions/health.md.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { RETRY_AFTER_SECONDS } from "../errors.js";
import { checkHealth } from "../health/check.js";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const report = await checkHealth(c.env, c.get("config"), c.get("backend").name, c.get("isolate"));
  c.header("Cache-Control", "no-store");
  if (report.status !== "unavailable") return c.json({ ok: true, ...report });
  c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  return c.json(
    {
      ok: false,
      ...report,
      error: {
        code: "storage_unavailable",
        message: `KV is failing: ${report.checks.storage.error ?? "no answer"}`,
      },
    },
    503,
  );
});
