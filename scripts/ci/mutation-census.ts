/**
 * @module scripts/ci/mutation-census
 * How many mutants StrykerJS makes in each file of `src/` it mutates, counted by its own
 * instrumenter on the current sources (the mutators and `Stryker disable` comments `stryker run`
 * uses). The mutation summary sets a report's results against these counts, so a score that covers
 * only part of `src/` says how much of it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Instrumenter, type InstrumenterOptions } from "@stryker-mutator/instrumenter";
import { mutatedSources } from "./mutation-scope.js";

const quiet = (): boolean => false;
const ignore = (): void => undefined;
/** Stryker's logger interface, silent: the census only counts. */
const LOGGER: ConstructorParameters<typeof Instrumenter>[0] = {
  isTraceEnabled: quiet,
  isDebugEnabled: quiet,
  isInfoEnabled: quiet,
  isWarnEnabled: quiet,
  isErrorEnabled: quiet,
  isFatalEnabled: quiet,
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
};

const OPTIONS: InstrumenterOptions = { plugins: null, excludedMutations: [], ignorers: [] };

/** Mutants per mutated source file of `root` (or of `only`), by repository-relative path. */
export async function mutantCensus(
  root: string,
  only?: readonly string[],
): Promise<Map<string, number>> {
  const files = only ? [...only] : mutatedSources(root);
  const result = await new Instrumenter(LOGGER).instrument(
    files.map((name) => ({
      name,
      content: readFileSync(path.join(root, name), "utf8"),
      mutate: true,
    })),
    OPTIONS,
  );
  const census = new Map(files.map((f) => [f, 0]));
  for (const mutant of result.mutants) {
    census.set(mutant.fileName, (census.get(mutant.fileName) ?? 0) + 1);
  }
  return census;
}
