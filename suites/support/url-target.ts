/**
 * @module suites/support/url-target
 * A running Worker at a URL. A dev server (`npm run dev`) gives each block an isolated session:
 * its own temporary store, clock, rules and isolates, booted with the block's vars and dropped
 * afterwards, so the developer's store, clock, rules and restart count stay as they were.
 * Anything else (`wrangler dev`, a deployed preview) is used as it is: no control, only this
 * run's own tagged data, deleted afterwards when `TARGET_ADMIN_TOKEN` is given.
 */
import { isLoopbackHost } from "../../harness/server/listen-address.js";
import type { Backend } from "../../harness/share/options.js";
import { capabilities } from "./capabilities.js";
import { createControlClient, type Call } from "./control-client.js";
import { OwnData } from "./own-data.js";
import { offersSessions, targetBackend } from "./probe-target.js";
import { SUITE_RATE_LIMITS, SUITE_VARS, type Target, type TargetRequest } from "./target.js";

const ISOLATE_HEADER = "x-harness-isolate";

interface SessionInfo {
  id: string;
  base: string;
  backend: Backend;
  isolates: number;
  profile: Target["profile"];
}

function caller(base: string): Call {
  return (path, init = {}) => fetch(`${base}${path}`, init);
}

/** How long a block waits for a free session slot (another run, or this run's other files). */
const SESSION_WAIT_MS = 120_000;

/**
 * Open a session; while the dev server is at its session limit (429 `too_many_sessions`: other
 * blocks of this run, or another run, hold them), wait for one to close, within SESSION_WAIT_MS.
 */
async function postSession(base: string, body: string): Promise<SessionInfo> {
  const deadline = Date.now() + SESSION_WAIT_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    const res = await fetch(`${base}/__harness/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    if (res.ok) return (await res.json()) as SessionInfo;
    const text = await res.text();
    if (res.status !== 429 || Date.now() + delay > deadline) {
      throw new Error(`control API /sessions: ${res.status} ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function openSession(base: string, request: TargetRequest): Promise<Target> {
  const vars = { ...SUITE_VARS, ...request.vars };
  const info = await postSession(
    base,
    JSON.stringify({
      backend: request.backend,
      isolates: request.isolates,
      profile: request.profile,
      vars,
      rateLimits: request.rateLimits ?? SUITE_RATE_LIMITS,
    }),
  );
  const sessionBase = `${base}${info.base}`;
  const call = caller(sessionBase);
  return {
    kind: "session",
    label: `dev server session at ${base}`,
    backend: info.backend,
    isolates: info.isolates,
    profile: info.profile,
    capabilities: capabilities[info.backend],
    // Blank is unset, as the Worker reads it (no Authorization header can carry it).
    adminToken: vars.ADMIN_TOKEN?.trim() || undefined,
    freshStore: true,
    oneLocation: true,
    eventual: false,
    own: new OwnData(),
    fetch: (path, init = {}, isolate) => {
      if (isolate === undefined) return call(path, init);
      const headers = new Headers(init.headers);
      headers.set(ISOLATE_HEADER, String(isolate));
      return call(path, { ...init, headers });
    },
    control: createControlClient(call),
    dispose: async () => {
      // The dev server takes control changes only as JSON; a session left open would keep its
      // runtime and store until its idle timeout, so a refusal fails the block.
      const res = await fetch(sessionBase, {
        method: "DELETE",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (!res.ok) throw new Error(`closing session ${info.id}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    },
  };
}

function plainTarget(base: string, backend: Backend): Target {
  const call = caller(base);
  const local = isLoopbackHost(new URL(base).hostname.replace(/^\[|\]$/g, ""));
  const adminToken = process.env.TARGET_ADMIN_TOKEN || undefined;
  const own = new OwnData();
  return {
    kind: "url",
    label: base,
    backend,
    isolates: 1,
    profile: local ? "miniflare" : "production",
    capabilities: capabilities[backend],
    adminToken,
    freshStore: false,
    oneLocation: local,
    eventual: !local,
    own,
    // A plain URL has no isolates to pick: every request goes where the platform sends it.
    fetch: (path, init = {}) => call(path, init),
    control: {},
    dispose: async () => {
      const del = adminToken
        ? async (id: string) => {
            const res = await call(`/api/share/${encodeURIComponent(id)}`, {
              method: "DELETE",
              headers: { authorization: `Bearer ${adminToken}` },
            });
            await res.body?.cancel();
            return res.status;
          }
        : undefined;
      const note = await own.cleanup(del, base);
      // Straight to stderr: Vitest hides console output of passing tests.
      if (note) process.stderr.write(`[cleanup] ${note}\n`);
    },
  };
}

/** The target a block runs against at `baseUrl`: a dev-server session when offered, else the URL. */
export async function createUrlTarget(baseUrl: string, request: TargetRequest): Promise<Target> {
  const base = baseUrl.replace(/\/+$/, "");
  const backend = await targetBackend(base);
  if (await offersSessions(base)) return openSession(base, request);
  return plainTarget(base, backend);
}
