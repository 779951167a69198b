import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { PROJECT_ROOT, resolveDevConfig } from "./dev-config.js";
import { parseDevArgs } from "./dev-options.js";

// Made in beforeAll, not at import: a run that collects this file without running it (a filter,
// a mutation run's selection) would leave the folder behind.
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "dev-config-"));
  copyFileSync(path.join(PROJECT_ROOT, "wrangler.jsonc"), path.join(root, "wrangler.jsonc"));
});

afterEach(() => {
  for (const name of [".dev.vars", ".dev.vars.staging", ".env"]) {
    rmSync(path.join(root, name), { force: true });
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const devVars = (text: string, name = ".dev.vars") => writeFileSync(path.join(root, name), text);
const config = (argv: string[]) => resolveDevConfig(parseDevArgs(argv)!, root);
const rel = (name: string) => path.relative(process.cwd(), path.join(root, name));

describe("resolveDevConfig", () => {
  it("gives the Worker ADMIN_TOKEN from .dev.vars, and --var wins over it", () => {
    devVars("ADMIN_TOKEN=from-file\nKV_WRITE_FALLBACK=memory\n");
    expect(config([])).toMatchObject({
      backend: "kv",
      vars: { ADMIN_TOKEN: "from-file", KV_WRITE_FALLBACK: "memory" },
      secrets: ["ADMIN_TOKEN"],
    });
    expect(config(["--var", "ADMIN_TOKEN=cli"])).toMatchObject({
      vars: { ADMIN_TOKEN: "cli", KV_WRITE_FALLBACK: "memory" },
      sources: [
        { name: "KV_WRITE_FALLBACK", from: rel(".dev.vars") },
        { name: "ADMIN_TOKEN", from: "--var" },
      ],
    });
  });

  it("reads .dev.vars.<env> with --env, and .dev.vars without it", () => {
    devVars("ADMIN_TOKEN=default\n");
    devVars("ADMIN_TOKEN=staging\n", ".dev.vars.staging");
    expect(config(["--env", "staging"]).vars).toEqual({ ADMIN_TOKEN: "staging" });
    expect(config([]).vars).toEqual({ ADMIN_TOKEN: "default" });
  });

  it("takes the backend from STORAGE_BACKEND when --backend is not given", () => {
    devVars("STORAGE_BACKEND=memory\n");
    expect(config([]).backend).toBe("memory");
    devVars("STORAGE_BACKEND=auto\n");
    expect(config([]).backend).toBe("kv");
    expect(config(["--var", "STORAGE_BACKEND=memory"]).backend).toBe("memory");
  });

  it.each([
    [
      ["--backend", "kv"],
      "STORAGE_BACKEND=memory\n",
      "--backend kv contradicts STORAGE_BACKEND=memory from <.dev.vars>. Drop one of them.",
    ],
    [[], "STORAGE_BACKEND=redis\n", 'STORAGE_BACKEND="redis" from <.dev.vars> is not kv'],
    [
      ["--seed-shares", "10"],
      "STORAGE_BACKEND=memory\n",
      "--seed-shares writes to the KV store, which the memory backend does not read.",
    ],
    [
      ["--backend", "memory", "--seed-shares", "10"],
      "",
      "--seed-shares writes to the KV store, which the memory backend does not read.",
    ],
  ])("refuses %j with %j as a usage error", (argv, file, expected) => {
    // <.dev.vars> stands for the file's path, known once beforeAll has made the folder.
    const message = expected.replace("<.dev.vars>", rel(".dev.vars"));
    devVars(file);
    let error: unknown;
    try {
      config(argv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain(message);
  });
});
