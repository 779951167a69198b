/**
 * The mutant switch across Node and workerd: what Stryker's vitest runner puts in this process's
 * `globalThis.__stryker__` reaches the Worker in workerd (per request and while its modules load),
 * and the Worker's coverage and hit counts come back into that namespace. Outside a mutation run
 * nothing is sent. The Worker here is a stand-in that behaves like Stryker-instrumented code.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type HarnessImpl } from "./create-harness.js";
import { createShareHarness } from "../share/index.js";

const probe = path.join(import.meta.dirname, "../test-support/mutation-probe.worker.ts");

type Namespace = {
  activeMutant?: string;
  currentTestId?: string;
  hitCount?: number;
  hitLimit?: number;
  mutantCoverage?: {
    static: Record<string, number>;
    perTest: Record<string, Record<string, number>>;
  };
};
const scope = globalThis as { __stryker__?: Namespace };
// This file is not part of the mutation run, but keep whatever a runner put there intact.
const outer = scope.__stryker__;
afterAll(() => {
  scope.__stryker__ = outer;
});

interface Answer {
  activeAtLoad: string | null;
  active: string | null;
  mutated: boolean;
  seen: string[];
}

async function ask(harness: HarnessImpl, query = ""): Promise<{ res: Response; body: Answer }> {
  const res = await harness.fetch(`/probe${query}`);
  return { res, body: (await res.json()) as Answer };
}

describe("outside a mutation run", () => {
  let harness: HarnessImpl;
  beforeAll(async () => {
    delete scope.__stryker__;
    harness = await createShareHarness({ persistTo: "temp", workerOverride: probe });
  });
  afterAll(() => harness?.dispose());

  it("sends no mutation headers and gets none back", async () => {
    const { res, body } = await ask(harness, "?hits=1");
    expect(body).toEqual({ activeAtLoad: null, active: null, mutated: false, seen: [] });
    expect([...res.headers.keys()].filter((h) => h.startsWith("x-harness-mutant"))).toEqual([]);
    expect(scope.__stryker__).toBeUndefined();
  });
});

describe("in Stryker's dry run", () => {
  let harness: HarnessImpl;
  beforeAll(async () => {
    scope.__stryker__ = {};
    harness = await createShareHarness({ persistTo: "temp", workerOverride: probe });
  });
  afterAll(() => harness?.dispose());
  afterEach(() => {
    scope.__stryker__!.currentTestId = undefined;
  });

  it("records the Worker's load-time coverage as static and request coverage per test", async () => {
    scope.__stryker__!.currentTestId = "suite#first";
    const { res, body } = await ask(harness);
    expect(body.active).toBeNull();
    expect(body.seen).toEqual([]);
    expect(res.headers.has("x-harness-mutant-coverage")).toBe(false);
    scope.__stryker__!.currentTestId = "suite#second";
    await ask(harness);
    await ask(harness);
    expect(scope.__stryker__!.mutantCoverage).toEqual({
      static: { "m-load": 1 },
      perTest: { "suite#first": { "m-request": 1 }, "suite#second": { "m-request": 2 } },
    });
  });
});

describe("with a mutant active", () => {
  let harness: HarnessImpl;
  // A Worker per test, as each mutant run boots its own: the hits it counts start from zero.
  beforeEach(async () => {
    scope.__stryker__ = { activeMutant: "m-request", hitCount: 0, hitLimit: 5 };
    harness = await createShareHarness({ persistTo: "temp", workerOverride: probe });
  });
  afterEach(() => harness?.dispose());

  it("switches the mutant on while the Worker loads and for each request", async () => {
    const { body } = await ask(harness, "?hits=2");
    expect(body).toMatchObject({ activeAtLoad: "m-request", active: "m-request", mutated: true });
    expect(scope.__stryker__!.hitCount).toBe(2);
  });

  it("follows the mutant the test process switches to", async () => {
    scope.__stryker__!.activeMutant = "m-other";
    const { body } = await ask(harness, "?hits=2");
    expect(body).toMatchObject({ active: "m-other", mutated: false });
  });

  it("stops an endless mutant at the hit limit and reports its hits to Stryker", async () => {
    const { res, body } = await ask(harness, "?hits=100");
    expect(res.status).toBe(500);
    expect(body).toMatchObject({ error: expect.stringContaining("Hit count limit reached") });
    expect(scope.__stryker__!.hitCount).toBeGreaterThan(scope.__stryker__!.hitLimit!);
  });
});
