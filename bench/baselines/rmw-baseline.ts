/**
 * @module bench/baselines/rmw-baseline
 * Which "guide design" Worker growth compares against: the suites' `share-list-rmw` mutant (this
 * Worker with the guide's read-modify-write `share:list` patched in) when `mutants/` provides it,
 * else the small stand-alone `rmw-share-list.worker.ts` beside this file.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { InternalOptions } from "../../harness/node/create-harness.js";
import type { SourcePatch } from "../../harness/types.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MUTANTS = path.join(HERE, "..", "..", "mutants", "index.ts");
export const RMW_WORKER = path.join(HERE, "rmw-share-list.worker.ts");

export interface RmwBaseline {
  label: string;
  options: Pick<InternalOptions, "sourcePatches" | "workerOverride">;
}

/** Names the mutant may carry (the catalog calls it `share-list-rmw`). */
const MUTANT_NAMES = ["share-list-rmw", "rmw-share-list"];

/** The mutant when it exists (imported by path: `mutants/` is optional to this module). */
export async function mutantBaseline(): Promise<RmwBaseline | undefined> {
  if (!existsSync(MUTANTS)) return undefined;
  const mod = (await import(MUTANTS)) as {
    getMutant?: (name: string) => { name: string; patches: SourcePatch[] } | undefined;
  };
  for (const name of MUTANT_NAMES) {
    try {
      const mutant = mod.getMutant?.(name);
      if (mutant)
        return { label: `mutant ${mutant.name}`, options: { sourcePatches: mutant.patches } };
    } catch {
      // Not under this name: try the next.
    }
  }
  return undefined;
}

export const standaloneBaseline: RmwBaseline = {
  label: "guide RMW worker (bench/baselines)",
  options: { workerOverride: RMW_WORKER },
};
