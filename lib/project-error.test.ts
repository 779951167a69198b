import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ERROR_CODE, ProjectError } from "./project-error.js";

const ROOT = path.join(import.meta.dirname, "..");

/** Workerd-side errors (the Worker and the KV layer) and the control API's HTTP errors. */
const NOT_NODE_SIDE = [/^src\//, /^harness\/workers\//, /^harness\/server\/control-error\.ts$/];

describe("ProjectError", () => {
  it("carries its code and its subclass's name", () => {
    class ToolError extends ProjectError<"BAD_OPTION"> {}
    const error = new ToolError("BAD_OPTION", "--runs must be at least 1");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "ToolError", code: "BAD_OPTION" });
    expect(error.message).toBe("--runs must be at least 1");
  });

  it("is the base of every Node-side error class, each code in SCREAMING_SNAKE_CASE", () => {
    const files = execFileSync("git", ["ls-files", "*.ts"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && !NOT_NODE_SIDE.some((re) => re.test(f)));
    const offenders: string[] = [];
    const codes: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/class (\w+)(?:<[^>]*>)? extends Error\b/g)) {
        if (!file.endsWith(".test.ts")) offenders.push(`${file}: ${m[1]}`);
      }
      for (const m of text.matchAll(/extends ProjectError<\s*"([^"]+)"/g)) codes.push(m[1]!);
      for (const m of text.matchAll(/export type \w+ErrorCode =([^;]+);/g)) {
        codes.push(...[...m[1]!.matchAll(/"([^"]+)"/g)].map((c) => c[1]!));
      }
    }
    expect(offenders).toEqual([]);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((c) => !PROJECT_ERROR_CODE.test(c))).toEqual([]);
  });
});
