import { describe, expect, it } from "vitest";
import { CliError, EXIT_USAGE } from "./cli-error.js";
import { parseDevArgs } from "./dev-options.js";

function usageError(argv: string[]): CliError {
  try {
    parseDevArgs(argv)!;
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`expected ${argv.join(" ")} to be rejected`);
}

describe("parseDevArgs", () => {
  it("defaults to the issue's dev server: loopback, 8787, .wrangler/state, kv, 1 isolate", () => {
    expect(parseDevArgs([])!).toEqual({
      port: 8787,
      host: "127.0.0.1",
      persistTo: ".wrangler/state",
      backend: "kv",
      isolates: 1,
      profile: "miniflare",
      seedShares: 0,
      seed: 42,
      vars: {},
      backendFromFlag: false,
      isolateStrategy: "first",
      watch: true,
      logs: true,
      rateLimits: {},
      allowedHosts: [],
    });
  });

  it("takes other rate limits and more Host names for this run, and says what a bad one needs", () => {
    const options = parseDevArgs([
      "--rate-limit",
      "SHARE_CREATE_LIMITER=1000/60",
      "--allowed-host",
      "devbox.lan",
      "--allowed-host",
      "192.168.1.20",
    ])!;
    expect(options.rateLimits).toEqual({ SHARE_CREATE_LIMITER: { limit: 1000, period: 60 } });
    expect(options.allowedHosts).toEqual(["devbox.lan", "192.168.1.20"]);
    for (const bad of ["SHARE_CREATE_LIMITER=1000/30", "SHARE_CREATE_LIMITER=0/60", "1000/60"]) {
      expect(() => parseDevArgs(["--rate-limit", bad])).toThrow(/NAME=LIMIT\/PERIOD/);
    }
  });

  it("reads every flag", () => {
    const options = parseDevArgs([
      "--port=0",
      "--host",
      "0.0.0.0",
      "--persist-to",
      "/tmp/state",
      "--isolates",
      "3",
      "--profile",
      "production",
      "--seed-shares",
      "50",
      "--seed",
      "7",
      "--var",
      "ADMIN_TOKEN=dev",
      "--var",
      "KV_WRITE_FALLBACK=memory=yes",
      "--round-robin",
      "--no-watch",
      "--no-logs",
      "--env",
      "staging",
      "--env-file",
      "a.env",
      "--env-file",
      "b.env",
    ])!;
    expect(options).toMatchObject({
      port: 0,
      host: "0.0.0.0",
      persistTo: "/tmp/state",
      isolates: 3,
      profile: "production",
      seedShares: 50,
      seed: 7,
      vars: { ADMIN_TOKEN: "dev", KV_WRITE_FALLBACK: "memory=yes" },
      isolateStrategy: "round-robin",
      watch: false,
      logs: false,
      env: "staging",
      envFiles: ["a.env", "b.env"],
    });
    expect(parseDevArgs(["--backend", "memory"])!).toMatchObject({
      backend: "memory",
      backendFromFlag: true,
    });
  });

  it.each([
    [
      ["--port", "http"],
      "--port <number>' argument 'http' is invalid. Expected a whole number from 0 to 65535.",
    ],
    [["--port", "70000"], "Expected a whole number from 0 to 65535."],
    [["--isolates", "0"], "Expected a whole number from 1 to 16."],
    [["--backend", "redis"], "Expected one of: kv, memory."],
    [["--profile", "prod"], "Expected one of: miniflare, production."],
    [["--var", "NOEQUALS"], "Expected KEY=VALUE"],
    [["--prot", "1"], "unknown option '--prot'"],
    [["--persist-to", " "], "--persist-to needs a directory"],
  ])("rejects %j with exit code 2 and says what is wrong", (argv, message) => {
    const err = usageError(argv);
    expect(err.exitCode).toBe(EXIT_USAGE);
    expect(err.message).toContain(message);
  });

  it("points at --help when a flag is wrong", () => {
    expect(usageError(["--prot", "1"]).message).toContain("npm run dev -- --help");
  });

  it("prints commander's help for --help and answers nothing to run, rather than exiting", () => {
    const write = process.stdout.write;
    let printed = "";
    process.stdout.write = ((text: string) => ((printed += text), true)) as typeof write;
    try {
      expect(parseDevArgs(["--help"])).toBeUndefined();
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toContain("Usage: npm run dev -- [options]");
  });
});
