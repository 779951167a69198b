/**
 * @module scripts/ci/wrangler-dev
 * Real `wrangler dev` as a suite target: the Worker as wrangler builds and serves it, on local
 * persistence in a temporary directory, bound to 127.0.0.1. It runs in its own process group and
 * is stopped by that group. Wrangler's own network calls are switched off with its documented
 * environment variables (no `cf.json` fetch, no update check, no metrics), so nothing leaves the
 * machine. It serves a copy of wrangler.jsonc that differs in one thing, as every target the
 * suites boot does: the per-client create limit is lifted (`SUITE_RATE_LIMITS`), because the
 * suites create hundreds of shares a minute from one address.
 */
import { ProjectError } from "../../lib/project-error.js";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyEdits, modify, parse } from "jsonc-parser";
import { SUITE_RATE_LIMITS } from "../../suites/support/target.js";
import { ROOT } from "./run-vitest.js";

export interface WranglerDev {
  url: string;
  adminToken: string;
  /** Its `--persist-to` folder. */
  stateDir: string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  /** Default: a free port. */
  port?: number;
  /** How long to wait for `/healthz`. Default 90 s (wrangler bundles the Worker first). */
  readyTimeoutMs?: number;
}

/** Wrangler's documented switches for its calls home (developers.cloudflare.com/workers/wrangler/system-environment-variables). */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
};

export class WranglerDevError extends ProjectError<"WRANGLER_DEV_FAILED"> {
  constructor(message: string) {
    super("WRANGLER_DEV_FAILED", message);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * wrangler.jsonc with an absolute `main` (the copy lives in a temporary folder) and each rate
 * limit the suites lift set to their limit. Everything else, comments included, is as deployed.
 */
export function suiteWranglerConfig(text: string, root = ROOT): string {
  const raw = parse(text) as {
    main?: string;
    ratelimits?: { name: string; simple?: { limit: number; period: number } }[];
  };
  const lifted: Record<string, { limit: number; period: number }> = SUITE_RATE_LIMITS;
  let out = text;
  const edit = (at: (string | number)[], value: unknown) => {
    out = applyEdits(out, modify(out, at, value, { formattingOptions: { insertSpaces: true } }));
  };
  edit(["main"], path.resolve(root, raw.main ?? "src/index.ts"));
  edit(["$schema"], undefined);
  (raw.ratelimits ?? []).forEach((limit, i) => {
    const suite = lifted[limit.name];
    if (suite) edit(["ratelimits", i, "simple"], suite);
  });
  return out;
}

/**
 * Start `wrangler dev` and wait until the Worker answers.
 * @example const dev = await startWranglerDev(); try { ... } finally { await dev.stop(); }
 */
export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "suites-wrangler-dev-"));
  const config = path.join(dir, "wrangler.jsonc");
  const stateDir = path.join(dir, "state");
  writeFileSync(
    config,
    suiteWranglerConfig(readFileSync(path.join(ROOT, "wrangler.jsonc"), "utf8")),
  );
  const adminToken = `suite-${randomBytes(8).toString("hex")}`;
  const args = [
    WRANGLER,
    "dev",
    "--config",
    config,
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    stateDir,
    "--var",
    `ADMIN_TOKEN:${adminToken}`,
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Its own process group, so stopping it stops workerd too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...OFFLINE_ENV },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    stopGroup(child, exited).finally(() => rmSync(dir, { recursive: true, force: true }));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let delay = 100;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.ok) {
      await res.body?.cancel();
      return { url, adminToken, stateDir, stop };
    }
    await res?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
  await stop();
  throw new WranglerDevError(
    `wrangler dev did not answer ${url}/healthz (exit ${child.exitCode ?? "none"}). Its output:\n${output}`,
  );
}

async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  // workerd may outlive wrangler by a moment; the group holds nothing else of ours.
  signal("SIGKILL");
}
