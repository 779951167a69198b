/**
 * The Vitest projects. Vitest 4 removed workspace files, so `vitest.config.ts` imports this list
 * and passes it to `test.projects`.
 *
 * - `unit`: tests beside the code in `src/`, `harness/`, `cli/`, `scripts/`, `fixtures/`, `bench/`, `mutants/`.
 * - `suites`: the six verification suites in `suites/`; each file runs once per storage backend
 *   (`SUITE_BACKENDS`, default `memory,kv`) in the same Vitest worker (`suiteRun()`).
 */
import { randomBytes } from "node:crypto";
import type {} from "vitest";
import { defineProject } from "vitest/config";
import { suiteBackendsFrom, type SuiteBackend } from "./scripts/ci/kv-storage-args.js";

/** Tags the shares the suites create on targets they do not own (`suites/support/own-data.ts`). */
const RUN_ID = process.env.SUITE_RUN_ID || randomBytes(4).toString("hex");

const suites = defineProject({
  test: {
    name: "suites",
    include: ["suites/**/*.suite.ts"],
    // Suite files in one worker share harnesses (reset between blocks, disposed at the end).
    isolate: false,
    environment: "./suites/support/pool-environment.ts",
    provide: { backends: suiteBackendsFrom(process.env.SUITE_BACKENDS), runId: RUN_ID },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export const projects = [
  defineProject({
    test: {
      name: "unit",
      include: [
        "src/**/*.test.ts",
        "harness/**/*.test.ts",
        "cli/**/*.test.ts",
        "lib/**/*.test.ts",
        "scripts/**/*.test.ts",
        "fixtures/**/*.test.ts",
        "bench/**/*.test.ts",
        "mutants/**/*.test.ts",
        "examples/**/*.test.ts",
      ],
      // Files share their worker's modules (Miniflare, msw, zod, faker load once per worker, not
      // once per file: a quarter of the CPU time). Each file disposes what it starts; the run
      // scope fails a run that leaves anything, and test:flake shuffles files to catch a leak.
      isolate: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
  suites,
  defineProject({
    test: {
      name: "reliability",
      include: ["reliability/**/*.test.ts"],
      isolate: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
];

declare module "vitest" {
  export interface ProvidedContext {
    backends: SuiteBackend[];
    runId: string;
  }
}
