/**
 * @module harness/server/sessions
 * Isolated sessions on a running dev server, so a test run never touches the developer's data.
 * `POST /__harness/sessions` boots the run's own harness beside the developer's (a temporary
 * store, its own virtual clock, fault rules, isolates and vars); everything under
 * `/__harness/sessions/:id/` is served by it exactly as the dev server serves its own harness
 * (Worker routes, and the control routes under `/__harness/sessions/:id/__harness/`);
 * `DELETE /__harness/sessions/:id` disposes it and removes its store. A session nobody used for
 * its idle timeout is dropped the same way, so a killed test run leaves nothing running.
 */
import { Hono } from "hono";
import { nanoid } from "nanoid";
import { z } from "zod";
import type { Harness, HarnessOptions, KvProfile } from "../types.js";
import { ControlError } from "./control-error.js";
import { createIsolatePicker } from "./isolate-picker.js";
import { parseEmptyBody, parseJsonBody } from "./parse-input.js";
import { createWorkerProxy } from "./worker-proxy.js";

/** At most this many sessions at once: each one is a workerd process. */
export const MAX_SESSIONS = 8;
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

/** The core's session options; a plugin's own (the share Worker's `backend`) join them. */
export const sessionRequestSchema = z.strictObject({
  isolates: z.number().int().min(1).max(8).optional(),
  profile: z.enum(["miniflare", "production"]).optional(),
  /** Worker vars and secrets for this session only (ADMIN_TOKEN, KV_WRITE_FALLBACK, ...). */
  vars: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).optional(),
  /** Other numbers for wrangler.jsonc `ratelimits` bindings in this session only. */
  rateLimits: z
    .record(
      z.string(),
      z.strictObject({
        limit: z.number().int().min(1),
        period: z.union([z.literal(10), z.literal(60)]),
      }),
    )
    .optional(),
  idleTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(24 * 3600_000)
    .optional(),
});

export type SessionRequest = z.infer<typeof sessionRequestSchema> & Record<string, unknown>;

/** What a session request takes on this harness: the core's options and its plugin's. */
export function sessionSchemaFor(harness: Pick<Harness, "plugin">) {
  const own = harness.plugin?.options;
  return own ? sessionRequestSchema.extend(own.shape) : sessionRequestSchema;
}

export interface SessionInfo {
  /** The plugin's options of the session, resolved (the share Worker's `backend`). */
  [pluginOption: string]: unknown;
  id: string;
  /** Prefix of the session's Worker and control routes on this server. */
  base: string;
  isolates: number;
  profile: KvProfile;
  createdAt: number;
  lastUsedAt: number;
  idleTimeoutMs: number;
}

interface Session {
  info: SessionInfo;
  harness: Harness;
  app: Hono;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface SessionRoutesOptions {
  /** The control API for a session's harness (the same app the dev server mounts, sessions off). */
  control: (harness: Harness, base: string) => Hono;
  /** Boots a session's harness. Default: the dev server's Worker (`createSibling`) on a temporary store. */
  create?: (options: HarnessOptions) => Promise<Harness>;
}

/** Every session of one dev server: opened, looked up (which keeps it alive) and closed. */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  #opening = 0;

  constructor(
    private readonly base: string,
    private readonly defaults: {
      /** The dev server's own plugin options: a session starts from them. */
      pluginOptions: Readonly<Record<string, unknown>>;
      /** Names of the plugin's options (the rest of a request is the core's). */
      pluginKeys: readonly string[];
      create: (options: HarnessOptions) => Promise<Harness>;
    },
    private readonly options: SessionRoutesOptions,
  ) {}

  list(): SessionInfo[] {
    return [...this.#sessions.values()].map((s) => ({ ...s.info }));
  }

  async open(request: SessionRequest): Promise<SessionInfo> {
    if (this.#sessions.size + this.#opening >= MAX_SESSIONS) {
      throw new ControlError(
        "too_many_sessions",
        `${MAX_SESSIONS} sessions are open; close one (DELETE ${this.base}/:id) or wait for an idle one to expire`,
        429,
      );
    }
    this.#opening++;
    let harness: Harness;
    const asked = Object.entries(request).filter(([k]) => this.defaults.pluginKeys.includes(k));
    try {
      harness = await (this.options.create ?? this.defaults.create)({
        pluginOptions: { ...this.defaults.pluginOptions, ...Object.fromEntries(asked) },
        persistTo: "temp",
        isolates: request.isolates ?? 1,
        profile: request.profile ?? "miniflare",
        ...(request.vars ? { vars: request.vars } : {}),
        ...(request.rateLimits ? { rateLimits: request.rateLimits } : {}),
      });
    } finally {
      this.#opening--;
    }
    const id = `s-${nanoid(12)}`;
    const now = Date.now();
    const info: SessionInfo = {
      ...harness.options.plugin,
      id,
      base: `${this.base}/${id}`,
      isolates: harness.options.isolates,
      profile: harness.options.profile,
      createdAt: now,
      lastUsedAt: now,
      idleTimeoutMs: request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    };
    const app = new Hono();
    app.route("/", this.options.control(harness, info.base));
    app.all("*", createWorkerProxy(harness, createIsolatePicker(info.isolates, "first")));
    const session: Session = { info, harness, app, timer: undefined };
    this.#sessions.set(id, session);
    this.#arm(session);
    return { ...info };
  }

  /** The session, marked as used now; a 404 naming the id when there is none. */
  use(id: string): Session {
    const session = this.#sessions.get(id);
    if (!session) {
      throw new ControlError(
        "session_not_found",
        `No session ${JSON.stringify(id)} (closed, or idle past its timeout); open one with POST ${this.base}`,
        404,
      );
    }
    session.info.lastUsedAt = Date.now();
    this.#arm(session);
    return session;
  }

  async close(id: string): Promise<void> {
    const session = this.use(id);
    this.#sessions.delete(id);
    clearTimeout(session.timer);
    await session.harness.dispose();
  }

  async closeAll(): Promise<void> {
    const ids = [...this.#sessions.keys()];
    await Promise.allSettled(ids.map((id) => this.close(id)));
  }

  #arm(session: Session): void {
    clearTimeout(session.timer);
    session.timer = setTimeout(() => {
      if (this.#sessions.get(session.info.id) !== session) return;
      this.#sessions.delete(session.info.id);
      void session.harness.dispose().catch(() => undefined);
    }, session.info.idleTimeoutMs);
    // An idle session must not keep the dev server's process alive on its own.
    session.timer.unref?.();
  }
}

const registries = new WeakMap<Harness, SessionRegistry>();

/** Dispose every session opened on `harness`'s dev server (when the server stops). */
export async function closeSessions(harness: Harness): Promise<void> {
  await registries.get(harness)?.closeAll();
}

/**
 * The `/sessions` routes of one dev server's control API, mounted under `/__harness`.
 * @example app.route("/sessions", createSessionRoutes(harness, { control: (h, base) => createControlApi(h, { sessions: false, shownAt: base }) }))
 */
export function createSessionRoutes(
  harness: Harness,
  options: SessionRoutesOptions,
  base = "/__harness/sessions",
): Hono {
  const defaults = {
    pluginOptions: harness.options.plugin,
    pluginKeys: Object.keys(harness.plugin?.options?.shape ?? {}),
    create: (o: HarnessOptions) => harness.createSibling(o),
  };
  const schema = sessionSchemaFor(harness);
  const registry = new SessionRegistry(base, defaults, options);
  registries.set(harness, registry);
  const app = new Hono();

  app.get("/", (c) => c.json({ sessions: registry.list() }));
  app.post("/", async (c) => {
    const request = (await parseJsonBody(c, schema)) as SessionRequest;
    return c.json(await registry.open(request), 201);
  });
  app.get("/:id", (c) => c.json({ ...registry.use(c.req.param("id")).info }));
  app.delete("/:id", async (c) => {
    await parseEmptyBody(c);
    const id = c.req.param("id");
    await registry.close(id);
    return c.json({ closed: id });
  });
  app.all("/:id/*", async (c) => {
    const id = c.req.param("id");
    const session = registry.use(id);
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(`${base}/${id}`.length) || "/";
    const method = c.req.method;
    const body = method === "GET" || method === "HEAD" ? undefined : await c.req.arrayBuffer();
    return session.app.fetch(new Request(url, { method, headers: c.req.raw.headers, body }));
  });
  return app;
}
