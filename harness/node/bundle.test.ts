import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "./bundle.js";

// Made in beforeAll, not at import: a run that collects this file without running it (a filter,
// a mutation run's selection) would leave the folder behind.
let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "kv-harness-bundle-"));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("bundleWorker", () => {
  it("bundles imports into one module, reuses the cache, and rebuilds when a source changes", async () => {
    writeFileSync(path.join(root, "dep.ts"), `export const word: string = "first";`);
    writeFileSync(
      path.join(root, "entry.ts"),
      `import { word } from "./dep";\nexport default { word };`,
    );
    const entry = path.join(root, "entry.ts");
    const manifest = path.join(root, ".harness-cache", "entry.json");

    const first = await bundleWorker(root, entry, "entry");
    expect(first).toContain('"first"');
    expect(first).not.toContain("import ");
    const builtAt = statSync(manifest).mtimeMs;

    expect(await bundleWorker(root, entry, "entry")).toBe(first);
    expect(statSync(manifest).mtimeMs).toBe(builtAt);

    writeFileSync(path.join(root, "dep.ts"), `export const word: string = "second";`);
    expect(await bundleWorker(root, entry, "entry")).toContain('"second"');
  });

  it("reports a build failure with the entry named", async () => {
    writeFileSync(path.join(root, "broken.ts"), `import "./nowhere";`);
    await expect(bundleWorker(root, path.join(root, "broken.ts"), "broken")).rejects.toMatchObject({
      code: "BUNDLE_FAILED",
      message: expect.stringContaining("broken.ts"),
    });
  });
});
