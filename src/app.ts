/**
 * @module app
 * Builds the Hono app: per-request config and storage selection, pending-write flushing, the
 * routes, and the one error handler that shapes every error response.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env.js";
import { parseConfig } from "./env.js";
import { AppError, codeForHttpStatus } from "./errors.js";
import { logEvent } from "./log.js";
import { allowedMethods } from "../lib/allowed-methods.js";
import { healthRoutes } from "./routes/health.js";
import { imageRoutes } from "./routes/images.js";
import { monitoringRoutes } from "./routes/monitoring.js";
import { openapiRoutes } from "./routes/openapi.js";
import { pageRoutes } from "./routes/pages.js";
import { shareRoutes } from "./routes/shares.js";
import { ShareStore } from "./shares/store.js";
import { isolate } from "./state.js";
import { selectBackend } from "./storage/select.js";

/** The Worker's routes, chained so their paths, methods, inputs and answers stay in the type. */
function withRoutes(app: Hono<AppEnv>) {
  return app
    .route("/", healthRoutes)
    .route("/", monitoringRoutes)
    .route("/", shareRoutes)
    .route("/", imageRoutes)
    .route("/", pageRoutes)
    .route("/", openapiRoutes);
}

/** The HTTP API's type, for the typed client `hc<AppType>` (`src/client.ts`). */
export type AppType = ReturnType<typeof withRoutes>;

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Every answer, errors included (onError's answer is in place when next() returns), is read
  // as the type it names: a JSON error echoing input is never sniffed into HTML.
  app.use(async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
  });

  app.use(async (c, next) => {
    isolate.metrics.markStarted();
    const config = parseConfig(c.env ?? {});
    const backend = selectBackend(c.env ?? {}, config, isolate);
    const store = new ShareStore(backend, config, isolate);
    c.set("config", config);
    c.set("backend", backend);
    c.set("store", store);
    c.set("isolate", isolate);
    const pending = isolate.pendingWrites.size + isolate.pendingIdempotency.size;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: equivalent: a flush with nothing pending does nothing, and pending writes exist only on kv
    if (pending > 0 && backend.name === "kv") {
      const flush = store.flushPending();
      try {
        c.executionCtx.waitUntil(flush);
      } catch {
        // No ExecutionContext (in-process tests): the flush still runs, unawaited.
        // Stryker disable next-line all: equivalent: flushPending() never rejects (it catches every KV error)
        flush.catch(() => undefined);
      }
    }
    await next();
  });

  withRoutes(app);

  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const allow = allowed(c.req.path);
    if (allow.length === 0) {
      throw new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    }
    throw new AppError(
      405,
      "method_not_allowed",
      `${c.req.method} is not allowed on ${c.req.path}; it answers ${allow.join(", ")}`,
      { headers: { Allow: allow.join(", ") } },
    );
  });

  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      if (err.status >= 500) logEvent("app_error", { code: err.code, message: err.message });
      return c.json(err.toBody(), err.status);
    }
    if (err instanceof HTTPException) {
      // One error model: a middleware's exception answers a code from ERROR_CODES too.
      const code = codeForHttpStatus(err.status, err.message);
      if (code === "internal_error") {
        logEvent("app_error", { code, message: err.message });
        return c.json({ error: { code, message: "Internal error" } }, 500);
      }
      return c.json({ error: { code, message: err.message || code } }, err.status);
    }
    logEvent("unhandled_error", {
      name: err instanceof Error ? err.name : "unknown",
      message: err instanceof Error ? err.message : String(err),
      path: c.req.path,
    });
    return c.json({ error: { code: "internal_error", message: "Internal error" } }, 500);
  });

  return app;
}
