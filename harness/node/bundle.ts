/**
 * @module harness/node/bundle
 * Bundles a `*.worker.ts` entry with esbuild into one ES module. Output is cached under
 * `.harness-cache/` with a manifest of the input files' content hashes (from esbuild's metafile),
 * so a bundle is rebuilt only when one of its sources changed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type PluginBuild } from "esbuild";
import { HarnessError } from "../errors.js";
import type { SourcePatch } from "../types.js";
import { assertPatchesBundled, sourcePatchPlugin, verifySourcePatches } from "./source-patches.js";

interface Manifest {
  inputs: Record<string, string>;
  code: string;
}

/**
 * Bundles already verified in this process, with their inputs' size and mtime: a restart that
 * finds every input untouched skips reading and hashing them all again.
 */
const verified = new Map<string, { files: string[]; stamps: string; code: string }>();

function stampsOf(root: string, files: string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(path.join(root, f));
        return `${f}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${f}:missing`;
      }
    })
    .join("\n");
}

const hashFile = (file: string) => {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("hex");
  } catch {
    return "missing";
  }
};

function fresh(manifest: Manifest, root: string): boolean {
  return Object.entries(manifest.inputs).every(([f, h]) => hashFile(path.join(root, f)) === h);
}

/**
 * The bundled code of `entry` (absolute path). `root` is the project root; `name` names the
 * cache file.
 */
export async function bundleWorker(
  root: string,
  entry: string,
  name: string,
  /**
   * Bare specifiers resolved to files (`harness:worker` to the Worker's `main`, for one): a
   * module the entry imports by role, not by path.
   */
  modules: Record<string, string> = {},
  /** Edits applied to sources at bundle time; pass a `name` that differs per patch set. */
  sourcePatches: SourcePatch[] = [],
): Promise<string> {
  // Checked even on a cache hit, so a patch that stopped matching fails on every run.
  verifySourcePatches(root, sourcePatches);
  const cacheDir = path.join(root, ".harness-cache");
  const manifestFile = path.join(cacheDir, `${name}.json`);
  const known = verified.get(manifestFile);
  if (known && known.stamps === stampsOf(root, known.files)) {
    return known.code;
  }
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    if (fresh(manifest, root)) return remember(manifestFile, root, manifest);
  } catch {
    // No usable cache: build.
  }
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      external: ["cloudflare:*", "node:*"],
      logLevel: "silent",
      plugins: [
        ...(Object.keys(modules).length > 0 ? [modulesPlugin(modules)] : []),
        ...(sourcePatches.length > 0 ? [sourcePatchPlugin(root, sourcePatches)] : []),
      ],
    });
  } catch (e) {
    throw new HarnessError(
      "BUNDLE_FAILED",
      `bundling ${path.relative(root, entry)}: ${(e as Error).message}`,
    );
  }
  assertPatchesBundled(Object.keys(result.metafile.inputs), sourcePatches);
  const code = result.outputFiles[0]!.text;
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((f) => [f, hashFile(path.join(root, f))]),
  );
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename: parallel test files may bundle the same entry at once.
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ inputs, code } satisfies Manifest));
  renameSync(tmp, manifestFile);
  return remember(manifestFile, root, { inputs, code });
}

/** Resolves each bare specifier of `modules` to its file. */
function modulesPlugin(modules: Record<string, string>) {
  return {
    name: "harness-modules",
    setup(b: PluginBuild) {
      b.onResolve({ filter: /^harness:/ }, (args) => {
        const file = modules[args.path];
        return file ? { path: file } : undefined;
      });
    },
  };
}

function remember(manifestFile: string, root: string, manifest: Manifest): string {
  const files = Object.keys(manifest.inputs);
  verified.set(manifestFile, { files, stamps: stampsOf(root, files), code: manifest.code });
  return manifest.code;
}
