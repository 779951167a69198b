import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySourcePatches } from "../harness/node/source-patches.js";
import { AnchorMismatchError, fragmentTokens, resolveEdits } from "./anchor.js";

const dir = mkdtempSync(path.join(tmpdir(), "anchor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = `export const LIMIT = 10;

export class Store {
  save(n: number): number {
    // A comment the edit does not care about.
    if (n > LIMIT)
      return LIMIT;
    return n;
  }

  load(n: number): number {
    if (n > LIMIT) return LIMIT;
    return n;
  }
}

export function wrap() {
  return {
    async delete(key: string) {
      return key;
    },
  };
}
`;

function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

describe("resolveEdits", () => {
  it("finds code inside the named symbol by its tokens, and only there", () => {
    const f = file("store.ts", SOURCE);
    const patches = resolveEdits(dir, [
      { file: f, symbol: "Store.save", find: "if (n > LIMIT) return LIMIT;", replace: "" },
    ]);
    const out = applySourcePatches(f, SOURCE, patches);
    const save = out.slice(out.indexOf("save("), out.indexOf("load("));
    expect(save).not.toContain("LIMIT");
    expect(save).toContain("return n;");
    // save lost its check (its line breaks did not matter); load, with the same text, kept it.
    expect(out).toContain("if (n > LIMIT) return LIMIT;");
    expect(out.match(/if \(n > LIMIT\)/g)).toHaveLength(1);
  });

  it("reaches a method of an object a function returns", () => {
    const f = file("wrap.ts", SOURCE);
    const [patch] = resolveEdits(dir, [
      { file: f, symbol: "wrap.delete", find: "return key;", replace: "return 'x';" },
    ]);
    expect(patch!.replace).toContain("return 'x';");
    expect(patch!.find).toMatch(/^async delete/);
  });

  it("applies several edits in one symbol", () => {
    const f = file("two.ts", SOURCE);
    const patches = resolveEdits(dir, [
      { file: f, symbol: "Store.load", find: "n > LIMIT", replace: "n >= LIMIT" },
      { file: f, symbol: "Store.load", find: "return n;", replace: "return -n;" },
    ]);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.replace).toContain("n >= LIMIT) return LIMIT;\n    return -n;");
  });

  it("fails naming the edit when the symbol is gone, or the code is not in it exactly once", () => {
    const f = file("gone.ts", SOURCE);
    const resolve = (symbol: string, find: string) => () =>
      resolveEdits(dir, [{ file: f, symbol, find, replace: "" }]);
    expect(resolve("Store.remove", "return n;")).toThrow(AnchorMismatchError);
    expect(resolve("Store.remove", "return n;")).toThrow(
      /gone.ts Store.remove: no declaration named remove/,
    );
    expect(resolve("Store.save", "return x;")).toThrow(/occurs 0 times/);
    expect(resolve("Store", "return n;")).toThrow(/occurs 2 times/);
    expect(() =>
      resolveEdits(dir, [{ file: "missing.ts", symbol: "x", find: "x", replace: "" }]),
    ).toThrow(/does not exist/);
  });

  it("tokenizes fragments that do not parse on their own", () => {
    expect(fragmentTokens("expirationTtl: SHARE_TTL_SECONDS,")).toEqual([
      "expirationTtl",
      ":",
      "SHARE_TTL_SECONDS",
      ",",
    ]);
  });
});
