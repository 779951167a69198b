import { describe, expect, it } from "vitest";
import { parseSoakArgs } from "./cli-options.js";
import { reproduceCommand, SOAK_DEFAULTS } from "./options.js";

describe("parseSoakArgs", () => {
  it("reads the issue's command line and prints a command that reproduces it", () => {
    const argv = [
      "--ops",
      "5000",
      "--clients",
      "50",
      "--fault-rate",
      "0.2",
      "--restart-every",
      "500",
      "--seed",
      "42",
      "--fallback",
      "memory",
      "--isolates",
      "3",
    ];
    const { soak, json } = parseSoakArgs(argv)!;
    expect(soak).toMatchObject({
      ops: 5000,
      clients: 50,
      faultRate: 0.2,
      restartEvery: 500,
      seed: 42,
      fallback: "memory",
      isolates: 3,
    });
    expect(json).toBe(false);
    expect(parseSoakArgs(reproduceCommand(soak).split(" ").slice(4))!.soak).toEqual(soak);
  });

  it("uses the defaults with no flags", () => {
    expect(parseSoakArgs([])!.soak).toEqual(SOAK_DEFAULTS);
  });

  it.each([
    [["--ops", "0"], /--ops must be a whole number from 1/],
    [["--fault-rate", "1.5"], /--fault-rate must be a number from 0 to 0.9/],
    [["--fallback", "disk"], /--fallback must be reject or memory/],
    [["--clients", "many"], /Expected a number/],
    [
      ["--restart-every", "600", "--ops", "500"],
      /--restart-every must be a whole number from 0 to 500/,
    ],
    [["--nope"], /unknown option/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseSoakArgs(argv)).toThrow(message);
  });
});
