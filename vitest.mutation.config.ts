/**
 * The Vitest projects `npm run test:mutation` runs against each mutant of `src/`: the Worker's
 * unit tests (both backends; the Worker's code runs in workerd through the unit test worker, or in
 * this process for pure modules), the fixture replays and the six suites on the kv
 * backend (the bundled Worker in workerd, reached through the harness's mutant switch). Left out,
 * to keep a mutant's run short on two cores: the suites on the memory backend (the memory
 * backend's code is also covered by the unit tests; the shared code is judged by the kv run), the
 * reliability checks (soaks and seeded fuzzing), tests of the harness, scripts and dashboard (they
 * do not exercise `src/` as a user would), and `fixtures/bugs/`, which also boots the catalog's
 * source-patched Workers: a patch's `find` text cannot match Stryker's instrumented sources.
 * All of them still run in `npm test`.
 *
 * Stryker stops at a mutant's first failing test, so files run cheapest first: unit tests that run
 * only in this process (a mutant they kill costs no workerd boot), the unit tests that boot
 * workerd, then the suites, those that restart or crash workerd and run 100 concurrent creates
 * last. `isolate: false` keeps imported modules between test files (the Worker's own state is
 * reset by the tests; the suites boot their own workerd): it halves the per-mutant overhead.
 * StrykerJS starts a new Vitest worker for each mutant, so what a worker shares is one mutant's:
 * the unit test files share one unit test worker (`src/testing/shared-unit-environment.ts`) and
 * the suite files share harnesses by their options (`suites/support/harness-pool.ts`), instead of
 * each file booting its own workerd.
 */
import { readFileSync } from "node:fs";
import type {} from "vitest";
import { defineConfig, defineProject } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { projects } from "./vitest.workspace.js";

const only = (
  name: string,
  include: string[],
  { exclude = [], environment }: { exclude?: string[]; environment?: string } = {},
) => {
  const project = projects.find((p) => p.test?.name === name);
  if (!project) throw new Error(`vitest.workspace.ts has no project named ${name}`);
  const test = { ...project.test, include, exclude, isolate: false };
  return defineProject({ ...project, test: environment ? { ...test, environment } : test });
};

/** The suites on the kv backend only (a file runs once per backend it is given). */
const kvSuites = () => {
  const project = only("suites", ["suites/**/*.suite.ts"]);
  return defineProject({
    ...project,
    test: { ...project.test, provide: { ...project.test?.provide, backends: ["kv"] } },
  });
};

const PROJECT_ORDER = ["unit", "suites"];
const SLOW_LAST = ["persistence.suite.ts", "consistency.suite.ts"];
/** A unit test file that boots workerd (the unit test worker or a harness) says so in its text. */
const BOOTS_WORKERD = /\buseUnitWorker\(|\bcreate(?:Share)?Harness\(/;

/** 0 for a unit test file that runs only in this process, 1 for one that boots workerd. */
function boots(file: string): number {
  try {
    return BOOTS_WORKERD.test(readFileSync(file, "utf8")) ? 1 : 0;
  } catch {
    return 1;
  }
}

class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cost = (f: TestSpecification) =>
      PROJECT_ORDER.indexOf(f.project.name) * 10 +
      (f.project.name === "unit" ? boots(f.moduleId) : 0) +
      SLOW_LAST.findIndex((name) => f.moduleId.endsWith(name));
    return [...files].sort((a, b) => cost(a) - cost(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    projects: [
      only("unit", ["src/**/*.test.ts", "fixtures/**/*.test.ts"], {
        exclude: ["fixtures/bugs/**"],
        environment: "./src/testing/shared-unit-environment.ts",
      }),
      kvSuites(),
    ],
    sequence: { sequencer: CheapestFirst },
    silent: "passed-only",
    reporters: ["dot"],
  },
});
