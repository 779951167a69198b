import { describe, expect, it } from "vitest";
import { onlyProject, parseKvStorageArgs } from "./kv-storage-args.js";

describe("parseKvStorageArgs", () => {
  it("runs both suite projects by default and passes other args through", async () => {
    expect(await parseKvStorageArgs(["-t", "newest first", "suites/list.suite.ts"])).toEqual({
      args: [
        "--project",
        "memory",
        "--project",
        "kv",
        "-t",
        "newest first",
        "suites/list.suite.ts",
      ],
      env: {},
      projectsGiven: false,
    });
  });

  it("runs only the projects asked for", async () => {
    expect((await parseKvStorageArgs(["--project", "kv"])).args).toEqual(["--project", "kv"]);
    expect((await parseKvStorageArgs(["--project=memory"])).args).toEqual(["--project=memory"]);
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

  it("narrows the default projects to the one a URL target serves, keeping the rest", async () => {
    const { args } = await parseKvStorageArgs(["--url", "http://x", "-t", "newest"]);
    expect(onlyProject(args, "kv")).toEqual([
      "--project",
      "kv",
      "--no-file-parallelism",
      "-t",
      "newest",
    ]);
  });
});
