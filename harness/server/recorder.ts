/**
 * @module harness/server/recorder
 * Records a dev session as a fixture: the store at the start, then every proxied request with its
 * isolate, virtual time offset and response, plus fault changes and restarts made through the
 * control API. Also the control routes `POST /__harness/record/start|stop`,
 * `GET /__harness/fixtures` and `POST /__harness/fixtures/load`.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Hono, type MiddlewareHandler } from "hono";
import { inferVolatile } from "../../fixtures/replay/infer-volatile.js";
import { captureResponse } from "../../fixtures/replay/http.js";
import { linkGeneratedIds } from "../../fixtures/replay/link-ids.js";
import { loadFixture } from "../../fixtures/replay/replay-fixture.js";
import { readFixtureFile } from "../../fixtures/replay/fixture-file.js";
import type { Fixture, RequestStep } from "../../fixtures/schema.js";
import { fromKvSnapshot } from "../../fixtures/snapshot.js";
import type { Harness } from "../types.js";
import { ControlError } from "./control-error.js";
import { fixtureLoadSchema, recordStartSchema } from "./control-schemas.js";
import { ISOLATE_HEADER } from "./isolate-picker.js";
import { parseJsonBody } from "./parse-input.js";
import { redactSecrets, redactVars } from "./redact-secrets.js";
import { assertReadsKv, fillMissingImages, refreshWorker } from "./store-loads.js";

/** Request headers worth replaying; cookies, user agents and the like stay out of the file. */
const KEPT_REQUEST_HEADERS = ["content-type", "authorization"];

type Step = NonNullable<Fixture["steps"]>[number];

export interface RecorderOptions {
  harness: Harness;
  /** Written into the fixture so a replay boots the same harness. */
  harnessOptions?: Fixture["harness"];
  /** Folder `GET /__harness/fixtures` lists and `load` reads from. Default `fixtures`. */
  fixturesDir?: string;
  /**
   * Secret vars by name (ADMIN_TOKEN): written as placeholders, in `harness.vars` and in recorded
   * request headers alike, never in clear text.
   */
  secrets?: Record<string, string>;
}

export interface RecordingSummary {
  file: string;
  requests: number;
  entries: number;
}

export class SessionRecorder {
  readonly #harness: Harness;
  readonly #fixturesDir: string;
  readonly #harnessOptions: Fixture["harness"];
  readonly #secrets: Record<string, string>;
  #file: string | undefined;
  #base: Fixture | undefined;
  #steps: Step[] = [];
  #requests = 0;

  constructor(options: RecorderOptions) {
    this.#harness = options.harness;
    this.#fixturesDir = resolve(options.fixturesDir ?? "fixtures");
    this.#secrets = options.secrets ?? {};
    const given = options.harnessOptions;
    this.#harnessOptions = given?.vars
      ? { ...given, vars: redactVars(given.vars, this.#secrets) }
      : given;
  }

  get recording(): string | undefined {
    return this.#file;
  }

  get fixturesDir(): string {
    return this.#fixturesDir;
  }

  /** Take the starting snapshot; from now on requests are recorded. Restarts a recording. */
  async start(file: string): Promise<void> {
    const snapshot = await this.#harness.kv.snapshot();
    const base = fromKvSnapshot(snapshot, "Dev session");
    base.source = { kind: "dev-session" };
    if (this.#harnessOptions && Object.keys(this.#harnessOptions).length > 0) {
      base.harness = this.#harnessOptions;
    }
    this.#base = base;
    this.#file = file;
    this.#steps = [];
    this.#requests = 0;
  }

  /** Write the fixture and stop recording. Undefined when nothing was being recorded. */
  async stop(): Promise<RecordingSummary | undefined> {
    const file = this.#file;
    const base = this.#base;
    if (!file || !base) return undefined;
    this.#file = undefined;
    // Key order as in fixtures/README.md, so recordings read like hand-written fixtures.
    const fixture: Fixture = {
      version: 1,
      description: `Dev session recorded from ${base.capturedAt}: ${this.#requests} requests. Describe the bug it shows here.`,
      capturedAt: base.capturedAt,
      ...(base.source ? { source: base.source } : {}),
      ...(base.harness ? { harness: base.harness } : {}),
      kv: base.kv,
      steps: linkGeneratedIds(this.#steps),
    };
    await mkdir(dirname(resolve(file)), { recursive: true });
    await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
    return { file, requests: this.#requests, entries: base.kv.length };
  }

  /** Hono middleware: records proxied requests and control-API changes while recording. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      if (!this.#file) return next();
      const url = new URL(c.req.url);
      const control = url.pathname.startsWith("/__harness");
      // Bytes, not text: the proxy reuses this cached body, and binary uploads must arrive intact.
      const bodyText = control ? "" : new TextDecoder().decode(await c.req.arrayBuffer());
      await next();
      if (!this.#file) return;
      if (control) {
        // Failed control calls changed nothing worth replaying.
        if (c.res.status < 400) await this.#recordControl(c.req.method, url.pathname);
        return;
      }
      await this.#recordRequest(c.req.raw, url, bodyText, c.res.clone());
    };
  }

  async #recordControl(method: string, path: string): Promise<void> {
    if (path === "/__harness/restart" && method === "POST") {
      this.#steps.push({ type: "restart" });
    } else if (path === "/__harness/faults" && method !== "GET") {
      const rules = (await this.#harness.faults.list()).map(({ id: _id, ...rule }) => rule);
      this.#steps.push({ type: "faults", rules });
    }
  }

  async #recordRequest(req: Request, url: URL, bodyText: string, res: Response): Promise<void> {
    const base = this.#base!;
    const capturedAt = Date.parse(base.capturedAt);
    const headers: Record<string, string> = {};
    for (const name of KEPT_REQUEST_HEADERS) {
      const value = req.headers.get(name);
      if (value !== null) headers[name] = redactSecrets(value, this.#secrets);
    }
    const isolate = Number(res.headers.get(ISOLATE_HEADER) ?? "0") || 0;
    const response = await captureResponse(res);
    const step: RequestStep = {
      type: "request",
      method: req.method as "GET",
      path: `${url.pathname}${url.search}`,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...requestBody(bodyText, headers["content-type"]),
      ...(isolate > 0 ? { isolate } : {}),
      atMs: Math.max(0, Math.floor(this.#harness.clock.now() - capturedAt)),
      response: {
        status: response.status,
        ...(Object.keys(response.headers).length > 0 ? { headers: response.headers } : {}),
        ...(response.body !== undefined ? { body: response.body as never } : {}),
      },
    };
    const knownIds = new Set(base.kv.map((e) => e.key.slice(e.key.indexOf(":") + 1)));
    const match = inferVolatile(response.body, { knownIds, sessionStart: capturedAt });
    if (match.length > 0) step.match = match;
    this.#steps.push(step);
    this.#requests++;
  }

  /** The recorder's control routes, to mount under `/__harness`. */
  routes(): Hono {
    const app = new Hono();
    app.post("/record/start", async (c) => {
      const { file } = await parseJsonBody(c, recordStartSchema);
      await this.start(file);
      return c.json({ recording: file });
    });
    app.post("/record/stop", async (c) => {
      const summary = await this.stop();
      if (!summary)
        throw new ControlError(
          "invalid_input",
          "Not recording: POST /__harness/record/start first",
        );
      return c.json(summary);
    });
    app.get("/fixtures", async (c) =>
      c.json({ fixtures: await listFixtureFiles(this.#fixturesDir) }),
    );
    app.post("/fixtures/load", async (c) => {
      const { path } = await parseJsonBody(c, fixtureLoadSchema);
      const full = resolve(path);
      if (full !== this.#fixturesDir && !full.startsWith(this.#fixturesDir + sep)) {
        throw new ControlError(
          "invalid_input",
          `path must be a file under ${relative(process.cwd(), this.#fixturesDir) || "."}/`,
        );
      }
      assertReadsKv(this.#harness, "Loading a fixture");
      const { fixture, images } = await loadFixtureInto(this.#harness, full);
      const refreshed = await refreshWorker(this.#harness);
      return c.json({
        loaded: path,
        description: fixture.description,
        entries: fixture.kv.length,
        images,
        ...refreshed,
      });
    });
    return app;
  }
}

function requestBody(
  text: string,
  contentType: string | undefined,
): Pick<RequestStep, "body" | "bodyText"> {
  if (text === "") return {};
  if (contentType?.includes("json")) {
    try {
      return { body: JSON.parse(text) as never };
    } catch {
      // Malformed JSON is what the request sent: keep it raw.
    }
  }
  return { bodyText: text };
}

/**
 * Replace the store with a fixture's snapshot (its times shifted to now), with a placeholder image
 * for each share it marks stored whose image is not in R2. A running Worker still remembers the old
 * store: follow with `refreshWorker` unless nothing has been served yet.
 */
export async function loadFixtureInto(
  harness: Harness,
  file: string,
): Promise<{ fixture: Fixture; images: number }> {
  let fixture: Fixture;
  try {
    ({ fixture } = await readFixtureFile(file));
  } catch (error) {
    throw new ControlError("invalid_input", (error as Error).message);
  }
  await harness.kv.clear();
  await harness.faults.clear();
  // The clock never goes back; a fixture captured in the future moves it forward to `capturedAt`.
  const capturedAt = Date.parse(fixture.capturedAt);
  if (capturedAt > harness.clock.now()) await harness.clock.set(capturedAt);
  await loadFixture(harness, fixture);
  return { fixture, images: await fillMissingImages(harness, fixture.kv) };
}

/** Every `.json` file under `dir`, relative to the working directory, sorted. */
export async function listFixtureFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") await walk(full);
      else if (entry.isFile() && entry.name.endsWith(".json"))
        out.push(relative(process.cwd(), full));
    }
  };
  await walk(dir);
  return out.sort();
}
