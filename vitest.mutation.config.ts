/**
 * The Vitest projects `npm run test:mutation` runs against each mutant of `src/`: the Worker's
 * unit tests (its code in workerd, in the unit test worker), the six suites on both backends, the
 * fixture replays and the reliability checks that drive the Worker (the bundled Worker in workerd,
 * reached through the harness's mutant switch). Left out: tests of the harness, scripts and
 * dashboard (they do not exercise `src/` as a user would), the long chaos soaks, and
 * `fixtures/bugs/`, which also boots
 * the catalog's source-patched Workers: a patch's `find` text cannot match Stryker's instrumented
 * sources (`PATCH_MISMATCH`).
 */
import type {} from "vitest";
import { defineConfig, defineProject } from "vitest/config";
import { projects } from "./vitest.workspace";

const only = (name: string, include: string[], exclude: string[] = []) => {
  const project = projects.find((p) => p.test?.name === name);
  if (!project) throw new Error(`vitest.workspace.ts has no project named ${name}`);
  return defineProject({ ...project, test: { ...project.test, include, exclude } });
};

export default defineConfig({
  test: {
    projects: [
      only("unit", ["src/**/*.test.ts", "fixtures/**/*.test.ts"], ["fixtures/bugs/**"]),
      only("memory", ["suites/**/*.suite.ts"]),
      only("kv", ["suites/**/*.suite.ts"]),
      only("reliability", ["reliability/**/*.test.ts"], ["reliability/soak/**"]),
    ],
    silent: "passed-only",
    reporters: ["dot"],
  },
});
