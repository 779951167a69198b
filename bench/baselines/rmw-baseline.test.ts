import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HarnessImpl } from "../../harness/node/create-harness.js";
import { createShareHarness } from "../../harness/share/index.js";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { mutantBaseline, standaloneBaseline } from "./rmw-baseline.js";

describe("growth baseline: the guide's read-modify-write share:list worker", () => {
  let harness: HarnessImpl;
  const bodies = createShareFactory(3);

  beforeAll(async () => {
    harness = await createShareHarness({ persistTo: "temp", ...standaloneBaseline.options });
  });
  afterAll(() => harness?.dispose());

  const create = async () => {
    const res = await harness.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(bodies.createBody()),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  it("rewrites the whole share:list on every create, newest id first", async () => {
    const first = await create();
    const second = await create();
    // Newest first, in front of whatever an earlier test wrote.
    const list = JSON.parse((await harness.kv.get("share:list"))!) as string[];
    expect(list.slice(0, 2)).toEqual([second, first]);
    await harness.resetCounters();
    await create();
    // One record write, one list read, one list write: the cost the bench compares against.
    expect((await harness.counters()).total).toMatchObject({ reads: 1, writes: 2 });
  });

  it("lists from share:list, newest first", async () => {
    // Its own shares, whether or not the test above ran first.
    for (let i = 0; i < 3; i++) await create();
    const res = await harness.fetch("/api/shares?limit=2");
    const ids = JSON.parse((await harness.kv.get("share:list"))!) as string[];
    const body = (await res.json()) as { shares: { id: string }[] };
    expect(body.shares.map((s) => s.id)).toEqual(ids.slice(0, 2));
  });
});

describe("mutantBaseline", () => {
  it("uses the suites' share-list-rmw mutant when mutants/ provides it", async () => {
    const mutant = await mutantBaseline();
    expect(mutant?.label).toBe("mutant share-list-rmw");
    expect(mutant?.options.sourcePatches?.length).toBeGreaterThan(0);
  });
});
