import path from "node:path";
import { describe, expect, it } from "vitest";
import { findProxyUses, proxyGetters, scanRepository } from "./node-proxies.js";

const ROOT = path.join(import.meta.dirname, "../..");

describe("Miniflare's Node-side binding proxies", () => {
  const names = proxyGetters(ROOT);

  it("are named by the installed Miniflare's own declarations", () => {
    for (const name of ["getKVNamespace", "getR2Bucket", "getBindings", "getWorker"]) {
      expect(names).toContain(name);
    }
    expect(names).toContain("getDurableObjectNamespace");
    expect(names).not.toContain("getCf");
  });

  it("are found in code however they are reached, and not in comments or strings", () => {
    const code = [
      "// the old way: mf.getKVNamespace('KV')",
      "const kv = await mf.getKVNamespace('KV');",
      'const r2 = await mf["getR2Bucket"]("R2");',
      "const { getBindings } = mf;",
      'const note = "getWorker() proxies block Node";',
    ].join("\n");
    expect(findProxyUses("x.ts", code, names)).toEqual([
      { file: "x.ts", line: 2, name: "getKVNamespace" },
      { file: "x.ts", line: 3, name: "getR2Bucket" },
      { file: "x.ts", line: 4, name: "getBindings" },
    ]);
  });

  it("are used nowhere in this repository (tests reach workerd with dispatchFetch)", () => {
    const uses = scanRepository(ROOT).map((u) => `${u.file}:${u.line} ${u.name}`);
    expect(uses).toEqual([]);
  });
});
