/**
 * The guide's own failure, reproduced through real Workers: its create path rewrites one
 * `share:list` key (read, modify, write). In the production profile concurrent creates then hit
 * the same-key write limit (KV's 429, which that Worker does not handle: the create answers 500)
 * and the list loses ids; in the miniflare profile every create answers 201, so the bug cannot
 * be seen locally. The share Worker writes each share's own key once, so the same burst of
 * creates in the production profile is all 201 and no write is refused.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type HarnessImpl } from "../../harness/node/create-harness.js";
import { createShareHarness } from "../../harness/share/index.js";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { benchRateLimits } from "../plain-miniflare.js";
import { standaloneBaseline } from "./rmw-baseline.js";

const CREATES = 10;
const bodies = createShareFactory(1313);
let harness: HarnessImpl | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

/** `CREATES` concurrent creates spread over two isolates: statuses, ids, virtual ms they took. */
async function burst(h: HarnessImpl) {
  const started = h.clock.now();
  const answers = await Promise.all(
    Array.from({ length: CREATES }, async (_, i) => {
      const res = await h.fetch(
        "/api/share",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(bodies.createBody()),
        },
        i % 2,
      );
      const body = (await res.json().catch(() => null)) as { id?: string } | null;
      return { status: res.status, id: body?.id, isolate: i % 2 };
    }),
  );
  return { answers, elapsed: h.clock.now() - started };
}

describe("a hot key under concurrent creates", () => {
  it("the guide's share:list design: 429s in the production profile (500 from that Worker), ids lost", async () => {
    harness = await createShareHarness({
      persistTo: "temp",
      isolates: 2,
      profile: "production",
      ...standaloneBaseline.options,
    });
    const { answers, elapsed } = await burst(harness);
    const created = answers.filter((a) => a.status === 201);
    // One share:list write per key per second of virtual time that passed; the others refused.
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));
    expect(answers.filter((a) => a.status !== 201).map((a) => a.status)).toEqual(
      Array(CREATES - created.length).fill(500),
    );
    const counters = await harness.counters();
    expect(counters.total.rateLimited).toBe(CREATES - created.length);
    // Every failed create still wrote its record; the index holds at most the accepted writes.
    const index = JSON.parse((await harness.kv.get("share:list")) ?? "[]") as string[];
    expect(index.length).toBeLessThanOrEqual(created.length);
    expect((await harness.kv.list({ prefix: "share:" })).keys.length).toBe(CREATES + 1);
  });

  it("the same design in the miniflare profile: every create answers 201 (the limit is invisible)", async () => {
    harness = await createShareHarness({
      persistTo: "temp",
      isolates: 2,
      ...standaloneBaseline.options,
    });
    const { answers } = await burst(harness);
    expect(answers.map((a) => a.status)).toEqual(Array(CREATES).fill(201));
    expect((await harness.counters()).total.rateLimited).toBe(0);
  });

  it("the share Worker in the production profile: every create answers 201, no write refused", async () => {
    harness = await createShareHarness({
      persistTo: "temp",
      isolates: 2,
      profile: "production",
      rateLimits: benchRateLimits(),
    });
    const { answers } = await burst(harness);
    expect(answers.map((a) => a.status)).toEqual(Array(CREATES).fill(201));
    expect((await harness.counters()).total.rateLimited).toBe(0);
    // Each share is there at once for the isolate that created it (the writer sees its write).
    for (const { id, isolate } of answers) {
      expect((await harness.fetch(`/api/share/${id}`, {}, isolate)).status).toBe(200);
    }
  });
});
