/**
 * @module harness/test-support/mutation-probe.worker
 * Test scratch: a stand-in for `src/index.ts` that behaves like code instrumented by StrykerJS.
 * Mutant "m-load" is covered while the module loads, "m-request" on every request; the answer
 * tells which mutant was active then and now, and which mutation headers reached the Worker.
 */
interface Namespace {
  activeMutant?: string;
  hitCount?: number;
  hitLimit?: number;
  mutantCoverage?: { static: Record<string, number>; perTest: Record<string, unknown> };
}

const ns = () => ((globalThis as { __stryker__?: Namespace }).__stryker__ ??= {});

let coverage: Namespace["mutantCoverage"];

/** What Stryker's `stryCov_9fa48` does: count a hit for each id, in the object it saw first. */
function cover(id: string): void {
  coverage ??= ns().mutantCoverage ??= { static: {}, perTest: {} };
  coverage.static[id] = (coverage.static[id] ?? 0) + 1;
}

/** What Stryker's `stryMutAct_9fa48` does: is `id` active (counting hits against the limit). */
function isActive(id: string): boolean {
  const space = ns();
  if (space.activeMutant !== id) return false;
  if (space.hitCount !== undefined && ++space.hitCount > (space.hitLimit ?? Infinity)) {
    throw new Error(`Stryker: Hit count limit reached (${space.hitCount})`);
  }
  return true;
}

cover("m-load");
const activeAtLoad = ns().activeMutant ?? null;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    cover("m-request");
    const hits = Number(url.searchParams.get("hits") ?? 0);
    let mutated = false;
    try {
      for (let i = 0; i < hits; i++) mutated = isActive("m-request") || mutated;
    } catch (error) {
      return Response.json({ error: (error as Error).message }, { status: 500 });
    }
    const seen = [...request.headers.keys()].filter((h) => h.startsWith("x-harness-mutant"));
    return Response.json({ activeAtLoad, active: ns().activeMutant ?? null, mutated, seen });
  },
};
