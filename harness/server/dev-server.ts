/**
 * @module harness/server/dev-server
 * The dev server: one Node HTTP server in front of a harness. `/__harness/*` is the control API
 * (and the dashboard at `/__harness/`); every other request goes to a Worker isolate.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { networkInterfaces } from "node:os";
import { serve } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import type { Harness } from "../types.js";
import { createControlApi, type ControlPlugin } from "./control-api.js";
import { errorBody } from "./control-error.js";
import { createDashboardRoute } from "./dashboard-route.js";
import { createServerWithEmptyAnswers } from "./empty-answers.js";
import { createIsolatePicker, ISOLATE_HEADER, type IsolateStrategy } from "./isolate-picker.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "./listen-address.js";
import { closeSessions } from "./sessions.js";
import { requestGuard, type RequestGuardOptions } from "./request-guard.js";
import { createWorkerProxy, PROXIED_METHODS } from "./worker-proxy.js";

export { DEFAULT_HOST, DEFAULT_PORT, isLoopbackHost } from "./listen-address.js";

/**
 * What a tool beside the core adds to the dev server: middleware that sees every request and
 * control routes under `/__harness`. `npm run dev` plugs in the session recorder
 * (`fixtures/record/recorder.ts`) this way.
 */
export interface DevServerPlugin {
  middleware(): MiddlewareHandler;
  routes(): Hono;
}

export interface DevServerOptions {
  harness: Harness;
  /** Default 127.0.0.1: the control API can wipe the store, so it must not face the network. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Isolate for requests without `x-harness-isolate`. Default `first` (isolate 0). */
  isolateStrategy?: IsolateStrategy;
  /** Records sessions (`--record`) and serves the record/fixtures control routes. */
  recorder?: DevServerPlugin;
  /** Control routes beside the core's, for this harness and each session (e.g. `/seed`). */
  controlPlugins?: readonly ControlPlugin[];
  /** Host names answered besides loopback names and `host` (`--allowed-host`). */
  allowedHosts?: readonly string[];
}

export interface DevServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly port: number;
  /** Stop accepting connections, close open ones and its sessions. Does not dispose the harness. */
  close(): Promise<void>;
}

/** The Hono app of the dev server, without the HTTP listener (what tests can call in-process). */
export function createDevApp(
  harness: Harness,
  isolateStrategy: IsolateStrategy = "first",
  recorder?: DevServerPlugin,
  guard: RequestGuardOptions = {},
  controlPlugins: readonly ControlPlugin[] = [],
): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    const { status, body, headers } = errorBody(err);
    return c.json(body, status, headers);
  });
  app.use("*", async (c, next) => {
    await next();
    // Its own answers (control API, dashboard, every error) are read only as the type they name,
    // like the Worker's; a Worker answer (it names its isolate) passes as the Worker sent it.
    if (c.error || !c.res.headers.has(ISOLATE_HEADER))
      c.header("X-Content-Type-Options", "nosniff");
  });
  app.use("*", requestGuard(guard));
  if (recorder) {
    app.use("*", recorder.middleware());
    app.route("/__harness", recorder.routes());
  }
  app.route("/", createDashboardRoute(harness));
  app.route("/", createControlApi(harness, { servedBy: () => app, plugins: controlPlugins }));
  app.all(
    "*",
    createWorkerProxy(harness, createIsolatePicker(harness.options.isolates, isolateStrategy)),
  );
  return app;
}

/** Names a client may use for `host`: itself, or every interface address for a wildcard bind. */
function boundHostNames(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [host];
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((a) => (a ? [a.address] : []));
}

/**
 * Listen on host:port and serve the dev app.
 * @example const server = await startDevServer({ harness, port: 0 }); await fetch(`${server.url}/healthz`)
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? DEFAULT_HOST;
  const app = createDevApp(
    options.harness,
    options.isolateStrategy,
    options.recorder,
    { allowedHosts: [...boundHostNames(host), ...(options.allowedHosts ?? [])] },
    options.controlPlugins,
  );
  const server = serve({
    fetch: app.fetch,
    hostname: host,
    port: options.port ?? DEFAULT_PORT,
    // Keep Node's own Request/Response: Miniflare and msw run in this process too.
    overrideGlobalObjects: false,
    createServer: createServerWithEmptyAnswers,
  });
  // Node answers no CONNECT by itself (it closes the socket); it is no request for the Worker.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => refuseConnect(socket));
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
      // Test runs' sessions end with the server; the developer's harness is the caller's.
      await closeSessions(options.harness);
    },
  };
}

/** The 405 a CONNECT gets, on its raw socket (Node hands CONNECT over before any routing). */
function refuseConnect(socket: Duplex): void {
  const allow = PROXIED_METHODS.join(", ");
  const body = JSON.stringify({
    error: {
      code: "method_not_allowed",
      message: `CONNECT is not served here (this is no proxy); use ${allow}`,
    },
  });
  socket.end(
    [
      "HTTP/1.1 405 Method Not Allowed",
      `Allow: ${allow}`,
      "Content-Type: application/json",
      "X-Content-Type-Options: nosniff",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}
