/**
 * @module mutants
 * Named broken Worker variants for the suites, `npm run test:mutants` and bug-fixture replays.
 * @example
 * const harness = await createShareHarness({ sourcePatches: getMutant("ttl-in-milliseconds").patches });
 */
import { ProjectError } from "../lib/project-error.js";
import { mutants, type Mutant } from "./catalog.js";

export type { Mutant } from "./catalog.js";
export { mutants } from "./catalog.js";

export const mutantNames: readonly string[] = mutants.map((m) => m.name);

export class UnknownMutantError extends ProjectError<"UNKNOWN_MUTANT"> {
  constructor(name: string) {
    super(
      "UNKNOWN_MUTANT",
      `No mutant named ${JSON.stringify(name)}. Known: ${mutantNames.join(", ")}`,
    );
  }
}

/** The mutant called `name`; throws `UnknownMutantError` (code UNKNOWN_MUTANT) otherwise. */
export function getMutant(name: string): Mutant {
  const mutant = mutants.find((m) => m.name === name);
  if (!mutant) throw new UnknownMutantError(name);
  return mutant;
}
