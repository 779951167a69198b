/**
 * @module harness/node/create-harness
 * `createHarness({ config })`: reads a Worker's wrangler.jsonc, bundles its `main` and the KV
 * layer, boots them in one workerd (the layer in front of every KV namespace the config declares)
 * and exposes the `Harness` contract (fetch, restart, faults, clock, direct KV, logs). What only
 * one Worker has comes in through a `HarnessPlugin`; this file knows no Worker by name.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { RequestHandler } from "msw";
import { HarnessError } from "../errors.js";
import type {
  CountersReport,
  FaultRule,
  Harness,
  HarnessKv,
  HarnessKvNamespace,
  HarnessOptions,
  HarnessState,
  KvSnapshot,
  LogLine,
  StoreProblem,
} from "../types.js";
import { FREE_PLAN } from "../workers/daily-limits.js";
import type { KvMode } from "../workers/harness-env.js";
import type { LayerConfig } from "../workers/layer-state.js";
import { bundleWorker } from "./bundle.js";
import { readWorkerConfig, type WorkerConfig } from "./config.js";
import { assertRuleCount, parseFaultRule } from "./fault-rule-schema.js";
import { LogBuffer } from "./logs.js";
import { Outbound } from "./outbound.js";
import { expiredKeys, type StoredObject } from "./image-expiry.js";
import {
  openPersistDir,
  readClockHistory,
  readClockOffset,
  writeClockOffset,
  type PersistDir,
} from "./persist.js";
import {
  DEFAULT_GATE_LIMITS,
  RequestGate,
  RuntimeUnavailable,
  unavailableResponse,
  type GateLimits,
} from "./request-gate.js";
import { isRuntimeGone, Runtime, type RuntimeSpec } from "./runtime.js";
import { sourcePatchesKey } from "./source-patches.js";
import type { HarnessPlugin } from "./plugin.js";
import { checkStore } from "./store-check.js";

const ROOT = path.join(import.meta.dirname, "../../");

/** Options beyond the public contract, for the harness's own tests. */
export interface InternalOptions extends HarnessOptions {
  /** The Worker's wrangler.jsonc (its `main` is relative to its folder). */
  config?: string;
  /** What the Worker adds to the core (`harness/share/` for the share Worker). */
  plugin?: HarnessPlugin;
  /** Also boot the `kv-probe` worker (raw binding + layer bindings) for KV-level tests. */
  probe?: boolean;
  /** Test scratch only: bundle this module instead of the config's `main`. */
  workerOverride?: string;
  /** How long a restart drains requests in flight and how long new requests wait for a boot. */
  gateLimits?: Partial<GateLimits>;
}

/** The plugin's options checked against its schema, over its defaults (`BAD_OPTION` naming one). */
export function resolvePluginOptions(
  plugin: HarnessPlugin | undefined,
  given: Record<string, unknown> = {},
): Readonly<Record<string, unknown>> {
  const known = plugin?.options;
  if (!known) {
    const names = Object.keys(given);
    if (names.length === 0) return {};
    throw new HarnessError(
      "BAD_OPTION",
      `pluginOptions ${names.join(", ")}: this Worker has no plugin to give them meaning`,
    );
  }
  const parsed = known.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HarnessError("BAD_OPTION", `${issue.path.join(".")} ${issue.message}`);
  }
  return Object.freeze({ ...plugin.optionDefaults, ...stripUndefined(parsed.data) });
}

const stripUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export type ProbeResult =
  { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };

export class HarnessImpl implements Harness {
  /** Boot options; a `reset({ pluginOptions })` replaces the plugin's. */
  #options: Harness["options"];
  readonly kv: HarnessKv;
  readonly kvNamespaces: Record<string, HarnessKvNamespace>;
  readonly plugin: Harness["plugin"];
  readonly r2: Harness["r2"];
  readonly faults: Harness["faults"];
  readonly clock: Harness["clock"];
  readonly logs: Harness["logs"];
  #runtime!: Runtime;
  #offsetMs: number;
  #rules: FaultRule[] = [];
  #restarts = 0;
  #storeProblems: StoreProblem[] = [];
  #disposed = false;
  /** The `vars` option, or what the last `reset({ vars })` named. */
  #vars: Record<string, string> | undefined;
  readonly #logBuffer: LogBuffer;
  readonly #outbound: Outbound;
  readonly #gate: RequestGate;

  constructor(
    private readonly opts: InternalOptions,
    private readonly config: WorkerConfig,
    private readonly persist: PersistDir,
    offsetMs: number,
  ) {
    this.#options = {
      isolates: opts.isolates ?? 1,
      profile: opts.profile ?? "miniflare",
      plugin: resolvePluginOptions(opts.plugin, opts.pluginOptions),
    };
    this.plugin = opts.plugin;
    this.#vars = opts.vars;
    this.#offsetMs = offsetMs;
    this.#logBuffer = new LogBuffer(() => this.clock.now(), opts.printLogs ?? false);
    this.#outbound = new Outbound(opts.handlers ?? []);
    this.#gate = new RequestGate({ ...DEFAULT_GATE_LIMITS, ...opts.gateLimits });
    const admin = (cmd: string, args: Record<string, unknown> = {}) => this.#admin(cmd, args);
    const namespace = (binding: string): HarnessKvNamespace => {
      const kv = (cmd: string, args: Record<string, unknown> = {}) =>
        admin(cmd, { ...args, binding });
      return {
        get: async (key) => (await kv("kv.get", { key })) as string | null,
        getWithMetadata: async (key) =>
          (await kv("kv.getWithMetadata", { key })) as Awaited<
            ReturnType<HarnessKv["getWithMetadata"]>
          >,
        put: async (key, value, options) => void (await kv("kv.put", { key, value, options })),
        delete: async (key) => void (await kv("kv.delete", { key })),
        list: async (options) =>
          (await kv("kv.list", { options })) as Awaited<ReturnType<HarnessKv["list"]>>,
        snapshot: async (options) =>
          (await kv("kv.snapshot", { prefix: options?.prefix })) as KvSnapshot,
        load: async (snapshot) => void (await kv("kv.load", { snapshot })),
        clear: async () => void (await kv("kv.clear")),
        counters: async () => (await kv("counters")) as CountersReport,
      };
    };
    this.kvNamespaces = Object.fromEntries(
      config.kvNamespaces.map((n) => [n.binding, namespace(n.binding)]),
    );
    const first = config.kvNamespaces[0]?.binding;
    this.kv = first ? this.kvNamespaces[first]! : noNamespace();
    this.r2 = {
      get: async (key) => {
        const object = (await admin("r2.get", { key })) as {
          body: string;
          contentType: string | null;
        } | null;
        if (!object) return null;
        const body = new Uint8Array(Buffer.from(object.body, "base64"));
        return object.contentType ? { body, contentType: object.contentType } : { body };
      },
      put: async (key, body, options) =>
        void (await admin("r2.put", {
          key,
          body: Buffer.from(body).toString("base64"),
          contentType: options?.contentType ?? null,
        })),
      list: async (prefix) => (await admin("r2.list", { prefix })) as string[],
      delete: async (...keys) => void (await admin("r2.delete", { keys })),
      clear: async (prefix) => {
        if (this.config.r2.length === 0) return;
        await admin("r2.delete", { keys: await this.r2.list(prefix) });
      },
    };
    this.faults = {
      add: async (rule) => {
        assertRuleCount(this.#rules.length + 1);
        const added = (await admin("faults.add", {
          rule: parseFaultRule(rule, this.options.isolates, this.#bindings(), this.#r2Bindings()),
        })) as FaultRule;
        this.#rules.push(added);
        return added;
      },
      set: async (rules) => {
        assertRuleCount(rules.length);
        const parsed = rules.map((r) =>
          parseFaultRule(r, this.options.isolates, this.#bindings(), this.#r2Bindings()),
        );
        this.#rules = (await admin("faults.set", { rules: parsed })) as FaultRule[];
        return this.#rules;
      },
      list: async () => [...this.#rules],
      clear: async () => {
        this.#rules = (await admin("faults.set", { rules: [] })) as FaultRule[];
      },
    };
    this.clock = {
      now: () => Date.now() + this.#offsetMs,
      advance: async (ms) => {
        if (!Number.isFinite(ms) || ms < 0) {
          throw new HarnessError(
            "CLOCK_BACKWARDS",
            `clock.advance(${ms}): ms must be a finite number >= 0`,
          );
        }
        await this.#setOffset(this.#offsetMs + ms);
      },
      set: async (epochMs) => {
        const offset = epochMs - Date.now();
        if (!Number.isFinite(epochMs) || offset < 0) {
          throw new HarnessError(
            "CLOCK_BACKWARDS",
            `clock.set(${epochMs}): virtual time cannot be behind real time (${new Date().toISOString()}); KV expiry in the persisted store follows real time`,
          );
        }
        await this.#setOffset(offset);
      },
    };
    this.logs = {
      all: (): LogLine[] => this.#logBuffer.all(),
      clear: () => this.#logBuffer.clear(),
    };
  }

  async boot(): Promise<void> {
    // Before workerd opens the store: repair what no KV can hold, report what cannot be repaired.
    this.#storeProblems = (await checkStore(this.persist.dir)).problems;
    for (const p of this.#storeProblems) {
      this.#logBuffer.push(JSON.stringify({ level: "warn", event: "store_check", ...p }));
    }
    this.#runtime = await Runtime.start(await this.#spec());
    await this.#expireImages();
  }

  async fetch(input: string | Request, init: RequestInit = {}, isolate = 0): Promise<Response> {
    if (!Number.isInteger(isolate) || isolate < 0 || isolate >= this.options.isolates) {
      throw new HarnessError(
        "BAD_ISOLATE",
        `isolate ${isolate} is out of range 0..${this.options.isolates - 1}`,
      );
    }
    let url: string;
    let merged: RequestInit = init;
    if (typeof input === "string") {
      url = new URL(input, "http://localhost").href;
    } else {
      url = input.url;
      const body = ["GET", "HEAD"].includes(input.method) ? undefined : await input.arrayBuffer();
      merged = { method: input.method, headers: [...input.headers], body, ...init };
    }
    try {
      return await this.#gate.run(
        () => this.#live().fetch(isolate, url, merged, this.#offsetMs, this.#kvMode()),
        isRuntimeGone,
      );
    } catch (error) {
      if (error instanceof RuntimeUnavailable) return unavailableResponse(error);
      throw error;
    }
  }

  async restart(): Promise<{ ms: number }> {
    const started = performance.now();
    // The gate closes now, not after the bundling: a request sent after this call waits for the
    // new runtime instead of reaching the old one and being cut off.
    await this.#gate.switch("restart", async () => this.#live().restart(await this.#spec()));
    this.#restarts += 1;
    await this.#expireImages();
    return { ms: performance.now() - started };
  }

  async crashAndRecover(): Promise<{ ms: number }> {
    const started = performance.now();
    // The gate closes now, not after the bundling: a request sent after this call waits for the
    // new runtime instead of reaching the old one and being cut off.
    await this.#gate.switch("crash", async () => this.#live().crashAndRecover(await this.#spec()));
    this.#restarts += 1;
    await this.#expireImages();
    return { ms: performance.now() - started };
  }

  /**
   * Start over: empty store, no rules, zero counters, fresh isolates. With `vars`, the Worker runs
   * with those vars (in place of the `vars` option) from now on, restarts included: the same
   * Worker a harness booted with them runs, without booting another workerd.
   */
  get options(): Harness["options"] {
    return this.#options;
  }

  /**
   * Start over on the same workerd: empty store, no rules, fresh isolates. `vars` and
   * `pluginOptions` (the share Worker's `backend`) replace the boot's; they only set the Worker's
   * vars, so a harness serves a block that needs other ones without booting another workerd.
   */
  async reset(
    options: { vars?: Record<string, string>; pluginOptions?: Record<string, unknown> } = {},
  ): Promise<void> {
    this.#rules = [];
    if (options.vars) this.#vars = options.vars;
    if (options.pluginOptions) {
      this.#options = {
        ...this.#options,
        plugin: resolvePluginOptions(this.opts.plugin, options.pluginOptions),
      };
    }
    await this.#admin("layer.reset");
    await Promise.all(Object.values(this.kvNamespaces).map((kv) => kv.clear()));
    const live = this.#live();
    const vars = this.#workerVars();
    await Promise.all(
      Array.from({ length: this.options.isolates }, (_, i) => live.resetIsolate(i, vars)),
    );
    this.#logBuffer.clear();
    this.#outbound.use(this.opts.handlers ?? []);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await this.#runtime?.dispose();
    } finally {
      this.persist.remove();
    }
  }

  createSibling(options: HarnessOptions = {}): Promise<HarnessImpl> {
    const { config, plugin } = this.opts;
    return createHarness({ ...options, config: config!, ...(plugin ? { plugin } : {}) });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async counters(): Promise<CountersReport> {
    return (await this.#admin("counters")) as CountersReport;
  }

  async resetCounters(): Promise<void> {
    await this.#admin("counters.reset");
  }

  useHandlers(...handlers: RequestHandler[]): void {
    this.#outbound.use(handlers);
  }

  async state(): Promise<HarnessState> {
    return {
      ...this.options,
      persistTo: this.persist.dir,
      clock: this.clock.now(),
      rules: [...this.#rules],
      counters: await this.counters(),
      restarts: this.#restarts,
      storeProblems: [...this.#storeProblems],
    };
  }

  /** Test helper: one KV call as a Worker would make it (`RAW` or `LAYER_<isolate>`). */
  async probe(target: string, method: string, ...args: unknown[]): Promise<ProbeResult> {
    return (await this.#live().probe({
      target,
      method,
      args,
      mode: this.#kvMode(),
    })) as ProbeResult;
  }

  /** Test helper: one named probe scenario (values JSON cannot carry) on `target`. */
  async probeScenario(
    target: string,
    scenario: string,
    key: string,
    arg?: number,
  ): Promise<ProbeResult> {
    return (await this.#live().probe({
      target,
      scenario,
      args: arg === undefined ? [key] : [key, arg],
      mode: this.#kvMode(),
    })) as ProbeResult;
  }

  /**
   * `direct` when the layer has nothing to do (miniflare profile, no fault rules, clock at real
   * time, no daily counts): the Worker's KV calls then skip the layer's service entirely.
   */
  #kvMode(): KvMode {
    const idle =
      this.options.profile === "miniflare" &&
      this.#rules.length === 0 &&
      this.#offsetMs === 0 &&
      !this.opts.limits?.daily;
    return idle ? "direct" : "layer";
  }

  /** The Worker's vars: wrangler.jsonc's, the harness's own over them, the plugin's last. */
  #workerVars(): Record<string, string> {
    const { opts, config } = this;
    const vars = this.#vars;
    const options = { ...opts, ...(vars ? { vars } : {}) };
    return {
      ...config.vars,
      ...vars,
      ...opts.plugin?.vars?.(this.options.plugin, options, config.vars),
    };
  }

  #bindings(): string[] {
    return this.config.kvNamespaces.map((n) => n.binding);
  }

  #r2Bindings(): string[] {
    return this.config.r2.map((b) => b.binding);
  }

  #live(): Runtime {
    if (this.#disposed)
      throw new HarnessError("DISPOSED", "this harness was disposed; create a new one");
    return this.#runtime;
  }

  async #setOffset(offsetMs: number): Promise<void> {
    await this.#admin("offset.set", { offsetMs });
    this.#offsetMs = offsetMs;
    writeClockOffset(this.persist.dir, offsetMs);
    await this.#expireImages();
  }

  /**
   * The bucket's lifecycle rules (the plugin's `r2Lifecycle`) on the virtual clock
   * (image-expiry.ts): run whenever virtual time jumps (clock moves) and whenever the store is
   * opened (boot, restart, crash).
   */
  async #expireImages(): Promise<void> {
    if (this.config.r2.length === 0) return;
    for (const rule of this.opts.plugin?.r2Lifecycle ?? []) {
      const objects = (await this.#admin("r2.objects", { prefix: rule.prefix })) as StoredObject[];
      const history = readClockHistory(this.persist.dir);
      const keys = expiredKeys(objects, history, this.clock.now(), rule);
      if (keys.length === 0) continue;
      await this.#admin("r2.delete", { keys });
      this.#logBuffer.push(
        JSON.stringify({ level: "info", event: "images_expired", count: keys.length }),
      );
    }
  }

  async #admin(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    try {
      return await this.#gate.run(() => this.#live().admin({ cmd, ...args }), isRuntimeGone);
    } catch (error) {
      if (error instanceof RuntimeUnavailable) throw new HarnessError("UNAVAILABLE", error.message);
      throw error;
    }
  }

  async #spec(): Promise<RuntimeSpec> {
    const { opts, config } = this;
    const workerDir = path.join(ROOT, "harness", "workers");
    const patches = opts.sourcePatches ?? [];
    const modules = {
      "harness:worker": opts.workerOverride ?? path.resolve(config.root, config.main),
      "harness:isolate-hooks":
        opts.plugin?.isolateHooks ?? path.join(workerDir, "isolate-hooks.ts"),
    };
    // One cache file per Worker (and hooks, and patch set).
    const worker = createHash("sha1").update(JSON.stringify(modules)).digest("hex").slice(0, 10);
    const entryName =
      `entry-${worker}` + (patches.length > 0 ? `-patched-${sourcePatchesKey(patches)}` : "");
    const [entry, layer, probe] = await Promise.all([
      bundleWorker(ROOT, path.join(workerDir, "entry.worker.ts"), entryName, modules, patches),
      bundleWorker(ROOT, path.join(workerDir, "kv-layer.worker.ts"), "kv-layer"),
      opts.probe ? bundleWorker(ROOT, path.join(workerDir, "probe.worker.ts"), "probe") : undefined,
    ]);
    const production = this.options.profile === "production";
    const daily = opts.limits?.daily;
    const layerConfig: LayerConfig = {
      bindings: this.#bindings(),
      isolates: this.options.isolates,
      profile: this.options.profile,
      writerSeesOwnWrites: opts.writerSeesOwnWrites ?? true,
      edgeCacheTtlMs: opts.edgeCacheTtlMs ?? 60_000,
      seed: opts.seed ?? 0,
      offsetMs: this.#offsetMs,
      rules: this.#rules,
      writeRate: {
        burst: opts.writeRate?.burst ?? 0,
        deletesCount: opts.writeRate?.deletesCount ?? true,
      },
      replicationWindowMs: opts.replicationWindowMs ?? 60_000,
      ...(daily ? { daily: daily === "free" ? FREE_PLAN : daily } : {}),
    };
    const ops = opts.limits?.opsPerInvocation ?? (production ? 1000 : false);
    return {
      config,
      persistDir: this.persist.dir,
      isolates: this.options.isolates,
      vars: this.#workerVars(),
      rateLimits: config.rateLimits.map((r) => ({ ...r, ...opts.rateLimits?.[r.binding] })),
      layer: layerConfig,
      ...(ops === false ? {} : { opsPerInvocation: ops }),
      code: { entry, layer, ...(probe ? { probe } : {}) },
      outbound: (request) => this.#outbound.handle(request),
      onLine: (_stream, line) => this.#logBuffer.push(line),
    };
  }
}

/** `rateLimits` may only re-number bindings wrangler.jsonc declares, with values Cloudflare accepts. */
function checkRateLimits(overrides: InternalOptions["rateLimits"], config: WorkerConfig): void {
  const declared = config.rateLimits.map((r) => r.binding);
  for (const [binding, value] of Object.entries(overrides ?? {})) {
    if (!declared.includes(binding)) {
      throw new HarnessError(
        "BAD_OPTION",
        `rateLimits.${binding}: wrangler.jsonc has no such ratelimits binding (it has: ${declared.join(", ") || "none"})`,
      );
    }
    if (!Number.isInteger(value?.limit) || value.limit < 1 || ![10, 60].includes(value.period)) {
      throw new HarnessError(
        "BAD_OPTION",
        `rateLimits.${binding} must be { limit: <integer >= 1>, period: 10 | 60 }, got ${JSON.stringify(value)}`,
      );
    }
  }
}

/** `harness.kv` of a Worker that declares no KV namespace: every call says so. */
function noNamespace(): HarnessKv {
  const fail = async (): Promise<never> => {
    throw new HarnessError("BAD_OPTION", "wrangler.jsonc declares no kv_namespaces");
  };
  return {
    get: fail,
    getWithMetadata: fail,
    put: fail,
    delete: fail,
    list: fail,
    snapshot: fail,
    load: fail,
    clear: async () => undefined,
  };
}

/**
 * Boot a Worker (its wrangler.jsonc) in Miniflare behind the KV layer.
 * @example
 * await using harness = await createHarness({ config: "examples/x/wrangler.jsonc", isolates: 2 });
 * const res = await harness.fetch("/");
 */
export async function createHarness(
  options: InternalOptions & { config: string },
): Promise<HarnessImpl> {
  const isolates = options.isolates ?? 1;
  if (!Number.isInteger(isolates) || isolates < 1) {
    throw new HarnessError("BAD_ISOLATE", `isolates must be an integer >= 1, got ${isolates}`);
  }
  resolvePluginOptions(options.plugin, options.pluginOptions);
  if (options.profile !== undefined && !["miniflare", "production"].includes(options.profile)) {
    throw new HarnessError(
      "BAD_OPTION",
      `profile must be "miniflare" or "production", got ${JSON.stringify(options.profile)}`,
    );
  }
  if (options.edgeCacheTtlMs !== undefined && !(options.edgeCacheTtlMs >= 60_000)) {
    throw new HarnessError(
      "BAD_OPTION",
      `edgeCacheTtlMs must be at least 60000 (KV's minimum), got ${options.edgeCacheTtlMs}`,
    );
  }
  const count = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
  const burst = options.writeRate?.burst;
  if (burst !== undefined && !count(burst)) {
    throw new HarnessError("BAD_OPTION", `writeRate.burst must be an integer >= 0, got ${burst}`);
  }
  const windowMs = options.replicationWindowMs;
  if (windowMs !== undefined && !count(windowMs)) {
    throw new HarnessError(
      "BAD_OPTION",
      `replicationWindowMs must be an integer >= 0 (ms), got ${windowMs}`,
    );
  }
  const ops = options.limits?.opsPerInvocation;
  if (ops !== undefined && ops !== false && !(count(ops) && ops > 0)) {
    throw new HarnessError(
      "BAD_OPTION",
      `limits.opsPerInvocation must be an integer > 0 or false, got ${ops}`,
    );
  }
  if (typeof options.config !== "string" || options.config === "") {
    throw new HarnessError("BAD_OPTION", "config must name the Worker's wrangler.jsonc");
  }
  const config = readWorkerConfig(path.resolve(options.config));
  checkRateLimits(options.rateLimits, config);
  const persist = openPersistDir(options.persistTo);
  let offsetMs = readClockOffset(persist.dir) ?? 0;
  if (options.clockStart !== undefined) {
    offsetMs = options.clockStart - Date.now();
    if (offsetMs < 0) {
      persist.remove();
      throw new HarnessError(
        "CLOCK_BACKWARDS",
        `clockStart ${options.clockStart} is behind real time; pass a time at or after now`,
      );
    }
    writeClockOffset(persist.dir, offsetMs);
  }
  const harness = new HarnessImpl(options, config, persist, offsetMs);
  try {
    await harness.boot();
  } catch (e) {
    await harness.dispose().catch(() => undefined);
    throw e;
  }
  return harness;
}
