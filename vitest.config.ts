import { defineConfig } from "vitest/config";
import { dropStaleModuleCache } from "./scripts/ci/module-cache.js";
import { projects } from "./vitest.workspace.js";

// The engines floor (Node 22.12) has node:sqlite only behind a flag (a built-in from 22.13); the
// store check and the corrupt-store tests need it. Set before workers and child processes start.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major === 22 && minor < 13 && !process.env.NODE_OPTIONS?.includes("--experimental-sqlite")) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --experimental-sqlite`.trim();
}

// A module cache made for another lockfile is cleared here, before Vitest starts: its own clear
// comes too late and fails the run (scripts/ci/module-cache.ts).
dropStaleModuleCache(import.meta.dirname);

export default defineConfig({
  test: {
    projects,
    // The run's own temp folder and process marker: nothing outlives the run (run-scope.ts).
    globalSetup: ["./scripts/ci/vitest-run-scope.ts"],
    // Two cores: each suite file boots its own workerd, so keep the worker count small.
    maxWorkers: 2,
    // The Worker logs one JSON line per storage operation; show them only for failing tests.
    silent: "passed-only",
    reporters: [
      "default",
      "./scripts/ci/summary-reporter.ts",
      "junit",
      ...(process.env.GITHUB_ACTIONS ? ["github-actions"] : []),
    ],
    outputFile: { junit: "reports/junit.xml" },
    // Transformed modules are kept on disk between runs (node_modules/.experimental-vitest-cache,
    // keyed by each file's content): a rerun skips Vite's transforms, about 2 s of CPU per
    // test:kv-storage.
    experimental: { fsModuleCache: true },
  },
});
