/**
 * @module harness/server/control-api
 * The control API under `/__harness/`: a Hono app that lets a developer or a test drive a running
 * harness over HTTP (state, restart, faults, virtual clock, direct KV access, snapshots, logs,
 * counters). JSON in and out; bad input is a 400 `{ error: { code, message } }` naming the field.
 * Only the dev server mounts it: it is never part of the deployed Worker bundle.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { FaultRule, Harness, LogLine } from "../types.js";
import { ControlError, errorBody } from "./control-error.js";
import {
  clockAdvanceSchema,
  clockSetSchema,
  faultRuleSchema,
  faultRulesArraySchema,
  faultRulesObjectSchema,
  kvListQuerySchema,
  kvPutSchema,
  logsQuerySchema,
  snapshotLoadQuerySchema,
  snapshotQuerySchema,
  snapshotSchema,
} from "./control-schemas.js";
import { parseEmptyBody, parseJsonBody, parseQuery, parseWith } from "./parse-input.js";
import { controlApiDocument } from "./control-openapi.js";
import { unknownControlRoute } from "./control-routes.js";
import { createSessionRoutes, sessionSchemaFor } from "./sessions.js";
import { clearStore, loadSnapshot } from "./store-loads.js";

export const CONTROL_BASE_PATH = "/__harness";

/** Rules naming an isolate the harness does not run would silently never fire. */
function assertIsolates(rules: FaultRule[], isolates: number): void {
  rules.forEach((rule, i) => {
    if (rule.isolate !== undefined && rule.isolate >= isolates) {
      throw new ControlError(
        "invalid_input",
        `Invalid body: rules[${i}].isolate: ${rule.isolate} is out of range, the harness runs isolates 0..${isolates - 1}`,
      );
    }
  });
}

function matchesLog(line: LogLine, field: "op" | "outcome", wanted: string | undefined): boolean {
  return wanted === undefined || line.json?.[field] === wanted;
}

/** Control routes a Worker's tools add (mounted under `/__harness` for each harness, sessions too). */
export interface ControlPlugin {
  routes(harness: Harness): Hono;
}

export interface ControlApiOptions {
  /** Routes beside the core's (e.g. `POST /seed`, `fixtures/seed/seed-routes.ts`). */
  plugins?: readonly ControlPlugin[];
  /** Serve `/__harness/sessions` (isolated sessions beside this harness). Default true. */
  sessions?: boolean;
  /**
   * The app that mounts this one, whose routes (recorder, dashboard, ...) a 404 lists and a 405's
   * `Allow` counts. Default: this control API alone.
   */
  servedBy?: () => Hono;
  /**
   * Where a client reaches this API, when it is mounted below the root (a session:
   * `/__harness/sessions/<id>`): a 404 or 405 names paths as that client calls them.
   */
  shownAt?: string;
}

/**
 * Build the control API for one harness.
 * @example new Hono().route("/", createControlApi(harness)) // serves /__harness/*
 */
export function createControlApi(harness: Harness, options: ControlApiOptions = {}): Hono {
  const app = new Hono().basePath(CONTROL_BASE_PATH);

  app.onError((err, c) => {
    const { status, body, headers } = errorBody(err);
    return c.json(body, status, headers);
  });

  // The plugin's options also at the top, as a Worker-specific field of the state (`backend`).
  app.get("/state", async (c) => {
    const state = await harness.state();
    return c.json({ ...state.plugin, ...state });
  });

  app.post("/restart", async (c) => {
    await parseEmptyBody(c);
    const { ms } = await harness.restart();
    const { restarts } = await harness.state();
    return c.json({ restarted: true, ms, restarts });
  });

  app.get("/faults", async (c) => c.json({ rules: await harness.faults.list() }));
  app.put("/faults", async (c) => {
    const body = await parseJsonBody(c, z.unknown());
    const rules = Array.isArray(body)
      ? parseWith(faultRulesArraySchema, body, "body")
      : parseWith(faultRulesObjectSchema, body, "body").rules;
    assertIsolates(rules, harness.options.isolates);
    return c.json({ rules: await harness.faults.set(rules) });
  });
  app.post("/faults", async (c) => {
    const rule = await parseJsonBody(c, faultRuleSchema);
    assertIsolates([rule], harness.options.isolates);
    return c.json({ rule: await harness.faults.add(rule) }, 201);
  });
  app.delete("/faults", async (c) => {
    await parseEmptyBody(c);
    await harness.faults.clear();
    return c.json({ rules: [] });
  });

  app.get("/clock", (c) => c.json({ now: harness.clock.now() }));
  app.post("/clock/advance", async (c) => {
    const { ms } = await parseJsonBody(c, clockAdvanceSchema);
    await harness.clock.advance(ms);
    return c.json({ now: harness.clock.now() });
  });
  app.post("/clock/set", async (c) => {
    const { epochMs } = await parseJsonBody(c, clockSetSchema);
    const now = harness.clock.now();
    // Virtual time only moves forward: KV entries already expired cannot come back.
    if (epochMs < now) {
      throw new ControlError(
        "clock_in_past",
        `Invalid body: epochMs: ${epochMs} is before the virtual now ${now}; the clock only moves forward`,
      );
    }
    await harness.clock.set(epochMs);
    return c.json({ now: harness.clock.now() });
  });

  app.get("/kv", async (c) => {
    const query = parseQuery(c, kvListQuerySchema);
    return c.json(await harness.kv.list(query));
  });
  app.delete("/kv", async (c) => {
    await parseEmptyBody(c);
    return c.json(await clearStore(harness));
  });
  app.get("/kv/:key{.+}", async (c) => {
    const key = c.req.param("key");
    const { value, metadata, expiration } = await harness.kv.getWithMetadata(key);
    if (value === null) {
      throw new ControlError("key_not_found", `No KV entry with key ${JSON.stringify(key)}`, 404);
    }
    return c.json({ key, value, metadata: metadata ?? null, expiration: expiration ?? null });
  });
  app.put("/kv/:key{.+}", async (c) => {
    const key = c.req.param("key");
    const { value, ...options } = await parseJsonBody(c, kvPutSchema);
    await harness.kv.put(key, value, options);
    return c.json({ stored: key });
  });
  app.delete("/kv/:key{.+}", async (c) => {
    await parseEmptyBody(c);
    const key = c.req.param("key");
    await harness.kv.delete(key);
    return c.json({ deleted: key });
  });

  app.get("/snapshot", async (c) => {
    const query = parseQuery(c, snapshotQuerySchema);
    return c.json(await harness.kv.snapshot(query));
  });
  app.put("/snapshot", async (c) => {
    const { replace } = parseQuery(c, snapshotLoadQuerySchema);
    const snapshot = await parseJsonBody(c, snapshotSchema);
    // Without ?replace=true the entries are merged into the store (keys not in it are kept).
    return c.json(await loadSnapshot(harness, snapshot, replace === "true"));
  });

  for (const plugin of options.plugins ?? []) app.route("/", plugin.routes(harness));

  app.get("/logs", (c) => {
    const { op, outcome, limit } = parseQuery(c, logsQuerySchema);
    const lines = harness.logs
      .all()
      .filter((line) => matchesLog(line, "op", op) && matchesLog(line, "outcome", outcome));
    return c.json({ lines: limit === undefined ? lines : lines.slice(-limit) });
  });
  app.delete("/logs", async (c) => {
    await parseEmptyBody(c);
    harness.logs.clear();
    return c.json({ lines: [] });
  });

  app.get("/counters", async (c) => c.json(await harness.counters()));
  app.delete("/counters", async (c) => {
    await parseEmptyBody(c);
    await harness.resetCounters();
    return c.json(await harness.counters());
  });

  if (options.sessions !== false) {
    app.route(
      "/sessions",
      createSessionRoutes(harness, {
        control: (h, base) =>
          createControlApi(h, {
            sessions: false,
            shownAt: base,
            ...(options.plugins ? { plugins: options.plugins } : {}),
          }),
      }),
    );
  }

  app.get("/openapi.json", (c) => c.json(controlApiDocument(sessionSchemaFor(harness))));

  // Anything else under /__harness/ is a typo, never a Worker route.
  app.all("/*", (c) => {
    throw unknownControlRoute(
      options.servedBy?.() ?? app,
      c.req.method,
      c.req.path,
      options.shownAt,
    );
  });

  return app;
}
