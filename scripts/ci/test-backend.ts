/**
 * @module scripts/ci/test-backend
 * Which backend a suite test ran on, read in a reporter: a suite file runs on every backend of the
 * run, and `useTarget()` marks each block with its backend (`meta.backend`).
 */
import type { TestCase } from "vitest/node";

export function backendOf(test: TestCase): string | undefined {
  for (let p: TestCase["parent"] | undefined = test.parent; p?.type === "suite"; p = p.parent) {
    const backend = p.meta().backend;
    if (backend) return backend;
  }
  return undefined;
}
