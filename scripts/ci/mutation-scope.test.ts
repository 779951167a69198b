import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { changedSinceBaseline, isMutatedSource } from "./mutation-scope";

describe("isMutatedSource", () => {
  it("takes the Worker's sources, not its tests, test support or other folders", () => {
    expect(isMutatedSource("src/shares/store.ts")).toBe(true);
    expect(isMutatedSource("src/shares/store.test.ts")).toBe(false);
    expect(isMutatedSource("src/testing/miniflare-env.ts")).toBe(false);
    expect(isMutatedSource("harness/node/bundle.ts")).toBe(false);
    expect(isMutatedSource("src/README.md")).toBe(false);
  });
});

describe("changedSinceBaseline", () => {
  const root = mkdtempSync(path.join(tmpdir(), "mutation-scope-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: root,
    });
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it("lists the sources changed, added or left uncommitted since the baseline's commit", () => {
    git("init", "-q");
    write("src/a.ts", "a");
    write("src/b.ts", "b");
    git("add", ".");
    git("commit", "-qm", "sources");
    expect(changedSinceBaseline(root, "mutants/baseline.json")).toEqual({
      baseline: undefined,
      files: [],
    });
    write("mutants/baseline.json", "{}");
    git("add", ".");
    git("commit", "-qm", "baseline");
    const baseline = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
    write("src/a.ts", "a2");
    write("src/a.test.ts", "test");
    git("add", ".");
    git("commit", "-qm", "change a");
    write("src/c.ts", "new, uncommitted");
    write("harness/x.ts", "not mutated");
    expect(changedSinceBaseline(root, "mutants/baseline.json")).toEqual({
      baseline: baseline.trim(),
      files: ["src/a.ts", "src/c.ts"],
    });
  });
});
