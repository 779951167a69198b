import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { parseSeedArgs } from "./seed-options.js";

describe("parseSeedArgs", () => {
  it("reads the issue's example and defaults the store to .wrangler/state", () => {
    expect(parseSeedArgs(["--count", "1000", "--seed", "42"])!).toEqual({
      count: 1000,
      seed: 42,
      persistTo: ".wrangler/state",
      clear: false,
    });
    expect(parseSeedArgs(["--persist-to", "x", "--clear"])!).toMatchObject({
      persistTo: "x",
      clear: true,
      count: 100,
    });
  });

  it.each([
    [["--count", "0"], "Expected a whole number from 1 to 1000000."],
    [["--count", "ten"], "argument 'ten' is invalid"],
    [["--seed", "-1"], "argument '-1' is invalid"],
    [["--cleer"], "unknown option '--cleer'"],
  ])("rejects %j as a usage error", (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(CliError);
    expect(() => parseSeedArgs(argv)).toThrow(message);
  });
});
