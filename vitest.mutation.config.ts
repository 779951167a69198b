/**
 * The Vitest projects `npm run test:mutation` runs against each mutant of `src/`: the Worker's
 * unit tests (in this process), the six suites on both backends and the bug fixtures (the bundled
 * Worker in workerd, reached through the harness's mutant switch), and the reliability checks that
 * drive the Worker. Tests of the harness, scripts and dashboard do not exercise `src/` as a user
 * would and stay out, as do the long chaos soaks.
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
      only("unit", ["src/**/*.test.ts", "fixtures/**/*.test.ts"]),
      only("memory", ["suites/**/*.suite.ts"]),
      only("kv", ["suites/**/*.suite.ts"]),
      only("reliability", ["reliability/**/*.test.ts"], ["reliability/soak/**"]),
    ],
    silent: "passed-only",
    reporters: ["dot"],
  },
});
