/**
 * @module mutants
 * Named broken Worker variants for the suites, `npm run test:mutants` and bug-fixture replays.
 * @example
 * const harness = await createShareHarness({ sourcePatches: mutant("ttl-in-milliseconds").patches });
 */
import { ProjectError } from "../lib/project-error.js";
import { mutants, type Mutant, type MutantName } from "./catalog.js";

export type { Mutant, MutantName } from "./catalog.js";
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

/** The mutant called `name`, a name given at run time (a flag, `HARNESS_MUTANT`); throws `UnknownMutantError` (code UNKNOWN_MUTANT) otherwise. */
export function getMutant(name: string): Mutant {
  const found = mutants.find((m) => m.name === name);
  if (!found) throw new UnknownMutantError(name);
  return found;
}

/** The mutant called `name`, named in code: the name is checked when the code is typechecked. */
export function mutant(name: MutantName): Mutant {
  return getMutant(name);
}
