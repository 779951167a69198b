/**
 * @module reliability/security/deploy-bundle
 * Builds what `wrangler deploy` would upload (`--dry-run --outdir`, no account, no network) and
 * scans it for anything that belongs to the harness: the control API, the KV layer, mutants,
 * test libraries, or source files outside `src/` and the runtime dependencies.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ReliabilityError } from "../errors.js";

/** Strings that only harness, test or mutant code contains. */
export const FORBIDDEN_MARKERS = [
  "/__harness",
  "__HARNESS",
  "KvLayer",
  "kv-layer",
  "mutants/",
  "getMutant",
  "miniflare",
  "msw",
  "faultRule",
  "@faker-js",
  "fast-check",
] as const;

export interface BundleFinding {
  file: string;
  problem: string;
}

/** Run `wrangler deploy --dry-run --outdir <outdir>` in `root`; returns wrangler's output. */
export function buildDeployBundle(root: string, outdir: string): string {
  const bin = path.join(
    root,
    "node_modules",
    ".bin",
    process.platform === "win32" ? "wrangler.cmd" : "wrangler",
  );
  // No account and no token: a dry run must not need either.
  const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  delete env.CLOUDFLARE_API_TOKEN;
  const run = spawnSync(bin, ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  if (run.status !== 0) {
    throw new ReliabilityError(
      "BUNDLE_FAILED",
      `wrangler deploy --dry-run failed (${run.status}): ${output.slice(-2000)}`,
    );
  }
  return output;
}

/** Sources a source map names, relative to `root` (node_modules as `node_modules/<pkg>`). */
function mapSources(mapFile: string, root: string): { source: string; content?: string | null }[] {
  const map = JSON.parse(readFileSync(mapFile, "utf8")) as {
    sources: string[];
    sourcesContent?: (string | null)[];
  };
  return map.sources.map((s, i) => {
    const abs = path.resolve(path.dirname(mapFile), s);
    const rel = path.relative(root, abs).split(path.sep).join("/");
    const nm = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
    return { source: nm ? `node_modules/${nm[1]}` : rel, content: map.sourcesContent?.[i] };
  });
}

/**
 * Findings in a built bundle directory: forbidden markers in any emitted file, source-map sources
 * outside `src/`, `lib/` or the allowed packages, and such files whose bundled text differs from the file
 * on disk (a source patch such as a mutant got in).
 */
export function scanBundle(
  dir: string,
  root: string,
  allowedPackages: readonly string[],
): BundleFinding[] {
  const findings: BundleFinding[] = [];
  const files = readdirSync(dir).filter((f) => /\.(m?js|wasm|map)$/.test(f));
  if (!files.some((f) => /\.m?js$/.test(f))) {
    findings.push({ file: dir, problem: "no JavaScript emitted" });
  }
  for (const file of files) {
    const full = path.join(dir, file);
    if (file.endsWith(".map")) {
      for (const { source, content } of mapSources(full, root)) {
        // `lib/` holds the leaf tables the Worker shares with the harness (the KV limits).
        const inSrc = source.startsWith("src/") || source.startsWith("lib/");
        if (!inSrc && !allowedPackages.some((p) => source === `node_modules/${p}`)) {
          findings.push({ file, problem: `bundles ${source}` });
        } else if (inSrc && typeof content === "string") {
          const onDisk = existsSync(path.join(root, source))
            ? readFileSync(path.join(root, source), "utf8")
            : undefined;
          if (onDisk !== content)
            findings.push({ file, problem: `${source} differs from the file on disk` });
        }
      }
      continue;
    }
    const text = readFileSync(full, "utf8");
    for (const marker of FORBIDDEN_MARKERS) {
      if (text.includes(marker)) {
        findings.push({ file, problem: `contains ${JSON.stringify(marker)}` });
      }
    }
  }
  return findings;
}

/** The project's runtime dependencies (what a deployed Worker may bundle besides `src/`). */
export function runtimeDependencies(root: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {});
}

export function hasSourceMap(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".map"));
}
