/**
 * @module harness/node/source-patches
 * Applies `SourcePatch`es to the Worker's sources inside esbuild (an onLoad plugin), so a test
 * can boot a deliberately changed Worker while the files on disk, and the deployed bundle, stay
 * untouched. Every patch is checked against the file before building: a `find` that does not
 * occur exactly once is a `PATCH_MISMATCH`, so a variant cannot silently stop applying.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "esbuild";
import { HarnessError } from "../errors.js";
import type { SourcePatch } from "../types.js";

const occurrences = (text: string, find: string): number => text.split(find).length - 1;

/** `text` with every patch for it applied; throws `PATCH_MISMATCH` unless each matches once. */
export function applySourcePatches(file: string, text: string, patches: SourcePatch[]): string {
  let out = text;
  for (const patch of patches) {
    if (patch.find === "") {
      throw new HarnessError("PATCH_MISMATCH", `a patch for ${file} has an empty "find"`);
    }
    const n = occurrences(out, patch.find);
    if (n !== 1) {
      throw new HarnessError(
        "PATCH_MISMATCH",
        `patch for ${file} must match exactly once, matched ${n} times: ${JSON.stringify(patch.find.slice(0, 80))}`,
      );
    }
    // A function replacement: `$&` and friends in `replace` must stay literal.
    out = out.replace(patch.find, () => patch.replace);
  }
  return out;
}

/** Group patches by normalised relative path. */
function byFile(patches: SourcePatch[]): Map<string, SourcePatch[]> {
  const map = new Map<string, SourcePatch[]>();
  for (const patch of patches) {
    const file = path.posix.normalize(patch.file.replaceAll("\\", "/"));
    map.set(file, [...(map.get(file) ?? []), patch]);
  }
  return map;
}

/** Check every patch against the file on disk now, before any build starts. */
export function verifySourcePatches(root: string, patches: SourcePatch[]): void {
  for (const [file, list] of byFile(patches)) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), "utf8");
    } catch {
      throw new HarnessError("PATCH_MISMATCH", `patched file ${file} does not exist`);
    }
    applySourcePatches(file, text, list);
  }
}

/** Throws unless every patched file is one of the bundle's inputs (paths relative to root). */
export function assertPatchesBundled(inputs: string[], patches: SourcePatch[]): void {
  const bundled = new Set(inputs.map((f) => path.posix.normalize(f.replaceAll("\\", "/"))));
  const missing = [...byFile(patches).keys()].filter((f) => !bundled.has(f));
  if (missing.length > 0) {
    throw new HarnessError(
      "PATCH_MISMATCH",
      `patched files are not part of the bundle: ${missing.join(", ")}`,
    );
  }
}

/** A stable short key for a set of patches, used to name the bundle cache entry. */
export function sourcePatchesKey(patches: SourcePatch[]): string {
  return createHash("sha1").update(JSON.stringify(patches)).digest("hex").slice(0, 12);
}

/** esbuild plugin: serves patched contents for the patched files. */
export function sourcePatchPlugin(root: string, patches: SourcePatch[]): Plugin {
  const files = byFile(patches);
  return {
    name: "source-patches",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const file = path.relative(root, args.path).split(path.sep).join("/");
        const list = files.get(file);
        if (!list) return undefined;
        const contents = applySourcePatches(file, readFileSync(args.path, "utf8"), list);
        return { contents, loader: args.path.endsWith("x") ? "tsx" : "ts" };
      });
    },
  };
}
