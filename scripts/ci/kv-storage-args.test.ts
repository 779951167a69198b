import { describe, expect, it } from "vitest";
import { onlyBackends, parseKvStorageArgs, suiteBackendsFrom } from "./kv-storage-args.js";

describe("parseKvStorageArgs", () => {
  it("runs the suites project on both backends by default and passes other args through", async () => {
    expect(await parseKvStorageArgs(["-t", "newest first", "suites/list.suite.ts"])).toEqual({
      args: ["--project", "suites", "-t", "newest first", "suites/list.suite.ts"],
      env: {},
      backendsGiven: false,
    });
  });

  it("runs only the backends asked for, by --backend or --project, in the suites' order", async () => {
    expect(await parseKvStorageArgs(["--backend", "kv"])).toEqual({
      args: ["--project", "suites"],
      env: { SUITE_BACKENDS: "kv" },
      backendsGiven: true,
    });
    expect((await parseKvStorageArgs(["--project=memory"])).env).toEqual({
      SUITE_BACKENDS: "memory",
    });
    expect((await parseKvStorageArgs(["--backend=kv", "--backend", "memory"])).env).toEqual({
      SUITE_BACKENDS: "memory,kv",
    });
    await expect(parseKvStorageArgs(["--backend", "d1"])).rejects.toThrow(
      "--backend d1: the suites run on memory and kv; name one of them",
    );
  });

  it("reads SUITE_BACKENDS, both when unset, and says what is wrong with a bad one", () => {
    expect(suiteBackendsFrom(undefined)).toEqual(["memory", "kv"]);
    expect(suiteBackendsFrom("")).toEqual(["memory", "kv"]);
    expect(suiteBackendsFrom("kv, memory")).toEqual(["memory", "kv"]);
    expect(() => suiteBackendsFrom("kv,redis")).toThrow(
      "SUITE_BACKENDS=kv,redis: redis is no backend; name memory and/or kv, comma-separated",
    );
  });

  it("maps --url and --mutant to the environment the suites read", async () => {
    expect(
      (await parseKvStorageArgs(["--url", "http://127.0.0.1:8787", "--mutant=ttl-in-milliseconds"]))
        .env,
    ).toEqual({ TARGET_URL: "http://127.0.0.1:8787", HARNESS_MUTANT: "ttl-in-milliseconds" });
    // One running Worker holds one store: suite files take turns.
    expect((await parseKvStorageArgs(["--url", "http://127.0.0.1:8787"])).args).toContain(
      "--no-file-parallelism",
    );
  });

  it("refuses an unknown mutant and a flag without its value", async () => {
    await expect(parseKvStorageArgs(["--mutant", "nope"])).rejects.toThrow(/Known:/);
    await expect(parseKvStorageArgs(["--url"])).rejects.toThrow(/--url needs a value/);
  });

  it("starts wrangler dev with --wrangler-dev (on --wrangler-port when given), one file at a time", async () => {
    const run = await parseKvStorageArgs(["--wrangler-dev", "--wrangler-port", "8821"]);
    expect(run.wranglerDev).toEqual({ port: 8821 });
    expect(run.args).toContain("--no-file-parallelism");
    expect((await parseKvStorageArgs(["--wrangler-dev"])).wranglerDev).toEqual({});
    await expect(parseKvStorageArgs(["--wrangler-dev", "--url", "http://x"])).rejects.toThrow(
      /two targets/,
    );
    await expect(parseKvStorageArgs(["--wrangler-port", "abc"])).rejects.toThrow(/number/);
  });

  it("takes the consistency window in seconds", async () => {
    expect((await parseKvStorageArgs(["--consistency-window", "90"])).env).toEqual({
      TARGET_CONSISTENCY_WINDOW_MS: "90000",
    });
  });

  it("names a URL target's one backend as SUITE_BACKENDS", async () => {
    const { args, backendsGiven } = await parseKvStorageArgs(["--url", "http://x", "-t", "new"]);
    expect(args).toEqual(["--project", "suites", "--no-file-parallelism", "-t", "new"]);
    expect(backendsGiven).toBe(false);
    expect(onlyBackends(["kv"])).toBe("kv");
  });
});
