import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifySourcePatches } from "../harness/node/source-patches.js";
import { getMutant, mutantNames, mutants } from "./index.js";

const root = path.join(import.meta.dirname, "../");

describe("mutant catalog", () => {
  it.each(mutants.map((m) => [m.name, m] as const))(
    "%s still applies to the current sources",
    (_name, mutant) => {
      expect(mutant.patches.length).toBeGreaterThan(0);
      expect(() => verifySourcePatches(root, mutant.patches)).not.toThrow();
    },
  );

  it("covers the bugs the issue names, under unique names", () => {
    expect(new Set(mutantNames).size).toBe(mutantNames.length);
    expect(mutantNames).toEqual(
      expect.arrayContaining([
        "share-list-rmw",
        "cache-not-invalidated-on-delete",
        "ttl-in-milliseconds",
        "fallback-loses-share",
        "monitoring-totals-from-isolate",
        "list-first-page-only",
      ]),
    );
  });

  it("finds a mutant by name and names the known ones when it cannot", () => {
    expect(getMutant("ttl-in-milliseconds").patches[0]?.file).toBe("src/shares/store.ts");
    expect(() => getMutant("nope")).toThrow(/Known: share-list-rmw/);
  });
});
