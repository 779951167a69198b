import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bundleWorker } from "./bundle.js";
import { applySourcePatches, sourcePatchesKey } from "./source-patches.js";

// Made in beforeAll, not at import: a run that collects this file without running it (a filter,
// a mutation run's selection) would leave the folder behind.
let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "kv-harness-patches-"));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});
// Every test starts from the same two files (one of them rewrites dep.ts).
beforeEach(() => {
  writeFileSync(path.join(root, "dep.ts"), `export const ttl: number = 60;`);
  writeFileSync(
    path.join(root, "entry.ts"),
    `import { ttl } from "./dep";\nexport default { ttl };`,
  );
});

describe("source patches", () => {
  it("applies a patch literally and refuses one that matches zero or several times", () => {
    expect(
      applySourcePatches("a.ts", "x = 1;", [{ file: "a.ts", find: "1", replace: "$&2" }]),
    ).toBe("x = $&2;");
    const none = () =>
      applySourcePatches("a.ts", "x = 1;", [{ file: "a.ts", find: "2", replace: "" }]);
    expect(none).toThrow(expect.objectContaining({ code: "PATCH_MISMATCH" }));
    const twice = () =>
      applySourcePatches("a.ts", "1 + 1", [{ file: "a.ts", find: "1", replace: "2" }]);
    expect(twice).toThrow(/matched 2 times/);
  });

  it("bundles the patched source under its own cache name and leaves the file on disk alone", async () => {
    const entry = path.join(root, "entry.ts");
    const patches = [{ file: "dep.ts", find: "= 60", replace: "= 60_000" }];

    const plain = await bundleWorker(root, entry, "entry");
    const patched = await bundleWorker(
      root,
      entry,
      `entry-${sourcePatchesKey(patches)}`,
      undefined,
      patches,
    );
    expect(plain).toMatch(/ttl = 60;/);
    expect(patched).toMatch(/ttl = 6e4;|ttl = 60_?000;/);
    expect(readFileSync(path.join(root, "dep.ts"), "utf8")).toBe(`export const ttl: number = 60;`);
    expect(sourcePatchesKey(patches)).not.toBe(sourcePatchesKey([]));
  });

  it("fails loudly, even with a cached bundle, once a patch no longer matches the source", async () => {
    const entry = path.join(root, "entry.ts");
    const patches = [{ file: "dep.ts", find: "= 60", replace: "= 1" }];
    await bundleWorker(root, entry, "entry-rot", undefined, patches);
    writeFileSync(path.join(root, "dep.ts"), `export const ttl: number = 120;`);
    await expect(bundleWorker(root, entry, "entry-rot", undefined, patches)).rejects.toMatchObject({
      code: "PATCH_MISMATCH",
    });
    await expect(
      bundleWorker(root, entry, "entry-missing", undefined, [
        { file: "nowhere.ts", find: "x", replace: "y" },
      ]),
    ).rejects.toMatchObject({ code: "PATCH_MISMATCH" });
  });

  it("fails when a patched file is not part of the bundle", async () => {
    writeFileSync(path.join(root, "unused.ts"), `export const unused = 1;`);
    await expect(
      bundleWorker(root, path.join(root, "entry.ts"), "entry-unused", undefined, [
        { file: "unused.ts", find: "= 1", replace: "= 2" },
      ]),
    ).rejects.toMatchObject({
      code: "PATCH_MISMATCH",
      message: expect.stringContaining("unused.ts"),
    });
  });
});
