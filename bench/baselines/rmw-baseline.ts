/**
 * @module bench/baselines/rmw-baseline
 * The "guide design" Workers: the suites' `share-list-rmw` mutant (this Worker with the guide's
 * read-modify-write `share:list` patched in), which growth compares against, and the small
 * stand-alone `rmw-share-list.worker.ts` beside this file, which the hot-key tests use.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { InternalOptions } from "../../harness/node/create-harness.js";
import { mutant as mutantNamed } from "../../mutants/index.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RMW_WORKER = path.join(HERE, "rmw-share-list.worker.ts");

export interface RmwBaseline {
  label: string;
  options: Pick<InternalOptions, "sourcePatches" | "workerOverride">;
}

/** The suites' `share-list-rmw` mutant (`mutants/catalog.ts`), named as the type allows. */
export function mutantBaseline(): RmwBaseline {
  const mutant = mutantNamed("share-list-rmw");
  return { label: `mutant ${mutant.name}`, options: { sourcePatches: mutant.patches } };
}

export const standaloneBaseline: RmwBaseline = {
  label: "guide RMW worker (bench/baselines)",
  options: { workerOverride: RMW_WORKER },
};
