import { describe, expect, it } from "vitest";
import { parseKvStorageArgs } from "./kv-storage-args";

describe("parseKvStorageArgs", () => {
  it("runs both suite projects by default and passes other args through", () => {
    expect(parseKvStorageArgs(["-t", "newest first", "suites/list.suite.ts"])).toEqual({
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
    });
  });

  it("runs only the projects asked for", () => {
    expect(parseKvStorageArgs(["--project", "kv"]).args).toEqual(["--project", "kv"]);
    expect(parseKvStorageArgs(["--project=memory"]).args).toEqual(["--project=memory"]);
  });

  it("maps --url and --mutant to the environment the suites read", () => {
    expect(
      parseKvStorageArgs(["--url", "http://127.0.0.1:8787", "--mutant=ttl-in-milliseconds"]).env,
    ).toEqual({ TARGET_URL: "http://127.0.0.1:8787", HARNESS_MUTANT: "ttl-in-milliseconds" });
    // One running Worker holds one store: suite files take turns.
    expect(parseKvStorageArgs(["--url", "http://127.0.0.1:8787"]).args).toContain(
      "--no-file-parallelism",
    );
  });

  it("refuses an unknown mutant and a flag without its value", () => {
    expect(() => parseKvStorageArgs(["--mutant", "nope"])).toThrow(/Known:/);
    expect(() => parseKvStorageArgs(["--url"])).toThrow(/--url needs a value/);
  });
});
