/**
 * @module testing/shared-unit-slot
 * Where `shared-unit-environment.ts` keeps the unit test worker the test files of one Vitest
 * worker share (`useUnitWorker()`), and the mutant it was booted for.
 */
import type { UnitWorker } from "./unit-worker.js";

export const SHARED_UNIT_WORKER = Symbol.for("kv-share-worker.unit-worker.shared");

export interface SharedUnitWorker {
  unit?: UnitWorker;
  mutant?: string;
}
