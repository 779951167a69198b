import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeVarSources, devVarsWithOverrides, loadDevVars } from "./dev-vars.js";

/** Every file `wrangler dev` may read for local vars, with `--env staging` in play. */
const FILES = [
  ".dev.vars",
  ".dev.vars.staging",
  ".env",
  ".env.local",
  ".env.staging",
  ".env.staging.local",
  "custom.env",
] as const;
const CONFIG_VARS = { A: "config-a", KV_WRITE_FALLBACK: "reject" };
const SWITCHES = ["CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV", "CLOUDFLARE_INCLUDE_PROCESS_ENV"];

let dir: string;
let wranglerLogBefore: string | undefined;
let wranglerVars: (
  env: string | undefined,
  envFiles: readonly string[] | undefined,
) => Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "dev-vars-"));
  writeFileSync(
    path.join(dir, "wrangler.jsonc"),
    JSON.stringify({
      name: "vars-probe",
      main: "index.js",
      compatibility_date: "2026-11-17",
      vars: CONFIG_VARS,
      // So that `--env staging` is a known environment and wrangler does not warn.
      env: { staging: { vars: CONFIG_VARS } },
    }),
  );
  // Quiet wrangler's library while this file loads it; restored after, since the files of a
  // worker share process.env (a later file's wrangler CLI would print nothing).
  wranglerLogBefore = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = "none";
  const wrangler = await import("wrangler");
  // `envFiles` is what `wrangler dev --env-file` passes; the published typings omit it.
  const options = (envFiles: readonly string[] | undefined) =>
    (envFiles ? { envFiles: [...envFiles] } : {}) as Parameters<
      typeof wrangler.unstable_getMiniflareWorkerOptions
    >[2];
  wranglerVars = (env, envFiles) =>
    wrangler.unstable_getMiniflareWorkerOptions(
      path.join(dir, "wrangler.jsonc"),
      env,
      options(envFiles),
    ).workerOptions.bindings as Record<string, unknown>;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const name of SWITCHES) delete process.env[name];
  if (wranglerLogBefore === undefined) delete process.env.WRANGLER_LOG;
  else process.env.WRANGLER_LOG = wranglerLogBefore;
});

/** Lines a developer writes: plain, quoted, empty, commented, `export`, `${A}` references. */
const line = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("A", "B", "ADMIN_TOKEN", "KV_WRITE_FALLBACK"),
      fc.constantFrom(
        "plain",
        '"double quoted # not a comment"',
        "'single ${A}'",
        "",
        "${A}-expanded",
        "$B",
        "${MISSING:-fallback}",
        "memory # trailing comment",
      ),
    )
    .map(([name, value]) => `${name}=${value}`),
  fc.constant("# a comment"),
  fc.constant("export B=exported"),
  fc.constant(""),
);
const files = fc.dictionary(
  fc.constantFrom(...FILES),
  fc.array(line, { maxLength: 4 }).map((lines) => lines.join("\n")),
);

describe("loadDevVars against wrangler 4.164's own loader", () => {
  it("gives exactly the vars wrangler dev gives, for any mix of files, --env and switches", () => {
    fc.assert(
      fc.property(
        files,
        fc.constantFrom(undefined, "staging"),
        fc.constantFrom(undefined, ["custom.env"], [".env", "custom.env"]),
        fc.constantFrom(undefined, "false", "true"),
        fc.constantFrom(undefined, "true"),
        (contents, env, envFiles, loadDotEnv, includeProcessEnv) => {
          for (const name of FILES) rmSync(path.join(dir, name), { force: true });
          for (const [name, text] of Object.entries(contents)) {
            writeFileSync(path.join(dir, name), text);
          }
          for (const [name, value] of [
            [SWITCHES[0]!, loadDotEnv],
            [SWITCHES[1]!, includeProcessEnv],
          ] as const) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
          }
          const ours = loadDevVars({
            root: dir,
            ...(env ? { env } : {}),
            ...(envFiles ? { envFiles } : {}),
          });
          expect({ ...CONFIG_VARS, ...ours.vars }).toEqual(wranglerVars(env, envFiles));
          expect(ours.sources.map((s) => s.name).sort()).toEqual(Object.keys(ours.vars).sort());
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("where each name came from", () => {
  const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
  const reset = () => {
    for (const name of FILES) rmSync(path.join(dir, name), { force: true });
    for (const name of SWITCHES) delete process.env[name];
  };

  it(".dev.vars wins over .env: only one of them is read", () => {
    reset();
    write(".dev.vars", "ADMIN_TOKEN=from-dev-vars\n");
    write(".env", "ADMIN_TOKEN=from-env\nB=only-in-env\n");
    const loaded = loadDevVars({ root: dir });
    expect(loaded.vars).toEqual({ ADMIN_TOKEN: "from-dev-vars" });
    expect(loaded.sources).toEqual([
      { name: "ADMIN_TOKEN", from: path.relative(process.cwd(), path.join(dir, ".dev.vars")) },
    ]);
  });

  it("names the last .env file that set a name, and --var overrides every file", () => {
    reset();
    write(".env", "ADMIN_TOKEN=a\nB=b\n");
    write(".env.local", "B=local\n");
    const loaded = devVarsWithOverrides(loadDevVars({ root: dir }), { ADMIN_TOKEN: "cli" });
    const rel = (name: string) => path.relative(process.cwd(), path.join(dir, name));
    expect(loaded.vars).toEqual({ ADMIN_TOKEN: "cli", B: "local" });
    expect(loaded.sources).toEqual([
      { name: "B", from: rel(".env.local") },
      { name: "ADMIN_TOKEN", from: "--var" },
    ]);
    expect(describeVarSources(loaded.sources)).toBe(
      `Vars: B from ${rel(".env.local")}; ADMIN_TOKEN from --var`,
    );
  });

  it("the banner line never carries a value", () => {
    reset();
    write(".dev.vars", "ADMIN_TOKEN=s3cret-value\n");
    const line = describeVarSources(loadDevVars({ root: dir }).sources);
    expect(line).toContain("ADMIN_TOKEN");
    expect(line).not.toContain("s3cret-value");
  });

  it("says so when nothing beyond wrangler.jsonc was loaded", () => {
    reset();
    expect(describeVarSources(loadDevVars({ root: dir }).sources)).toBe(
      "Vars: wrangler.jsonc only (no .dev.vars, .env or --var).",
    );
  });

  it("refuses a switch that is neither true nor false, as wrangler does", () => {
    reset();
    expect(() =>
      loadDevVars({ root: dir, processEnv: { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "no" } }),
    ).toThrow('Expected CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV to be "true" or "false", got "no".');
  });
});
