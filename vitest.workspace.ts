/**
 * The Vitest projects. Vitest 4 removed workspace files, so `vitest.config.ts` imports this list
 * and passes it to `test.projects`.
 *
 * - `unit`: tests beside the code in `src/`, `harness/`, `cli/`, `scripts/`, `fixtures/`, `bench/`, `mutants/`.
 * - `memory` and `kv`: the six verification suites in `suites/`, once per storage backend.
 */
import { randomBytes } from "node:crypto";
import type {} from "vitest";
import { defineProject } from "vitest/config";

/** Tags the shares the suites create on targets they do not own (`suites/support/own-data.ts`). */
const RUN_ID = process.env.SUITE_RUN_ID || randomBytes(4).toString("hex");

const suite = (backend: "memory" | "kv") =>
  defineProject({
    test: {
      name: backend,
      include: ["suites/**/*.suite.ts"],
      // Suite files in one worker share harnesses (reset between blocks, disposed at the end).
      isolate: false,
      environment: "./suites/support/pool-environment.ts",
      env: { SUITE_BACKEND: backend },
      provide: { backend, runId: RUN_ID },
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
  suite("memory"),
  suite("kv"),
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
    backend: "memory" | "kv";
    runId: string;
  }
}
