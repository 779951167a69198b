import { describe, expect, it } from "vitest";
import { FlakeOptionsError, parseFlakeOptions } from "./flake-options.js";

describe("npm run test:flake options", () => {
  it("runs the suites ten times, shuffled, from a given seed by default", () => {
    expect(parseFlakeOptions([], 7)!).toEqual({
      runs: 10,
      all: false,
      seed: 7,
      shuffle: true,
      out: "reports/flake",
      vitestArgs: [],
    });
  });

  it("takes --runs, --all, --seed, --no-shuffle and passes the rest to Vitest", () => {
    expect(
      parseFlakeOptions(
        [
          "--runs",
          "3",
          "--all",
          "--seed=42",
          "--no-shuffle",
          "--",
          "suites/list.suite.ts",
          "-t",
          "cursor",
        ],
        7,
      )!,
    ).toEqual({
      runs: 3,
      all: true,
      seed: 42,
      shuffle: false,
      out: "reports/flake",
      vitestArgs: ["suites/list.suite.ts", "-t", "cursor"],
    });
  });

  it("says what to do with a bad value", () => {
    expect(() => parseFlakeOptions(["--runs", "0"], 1)).toThrow(FlakeOptionsError);
    expect(() => parseFlakeOptions(["--runs", "x"], 1)).toThrow(/--runs must be a whole number/);
    expect(() => parseFlakeOptions(["--seed", "-3"], 1)).toThrow(/seed must be a whole number/);
    expect(() => parseFlakeOptions(["--rnus", "3"], 1)).toThrow(
      /unknown option '--rnus'[^]*--runs 10/,
    );
  });
});
