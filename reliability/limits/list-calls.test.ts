/**
 * A list request makes at most 10 KV list calls (`src/shares/store.ts`), so a long run of keys
 * that hold no share cannot stall it: past ten whole KV pages of such keys the answer is an empty
 * page with a cursor, and following the cursor reaches the share behind them, every page within
 * the bound (the scan for legacy records at the walk's end included).
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { postShare, useHarness } from "../support/use-harness.js";

const h = useHarness();

/** Ten whole KV pages and one key more, under the share prefix and sorting before every id. */
const DEAD_KEYS = 10 * KV_LIMITS.listLimit + 1;

async function listPage(cursor?: string) {
  const before = (await h().counters()).total.lists;
  const query = new URLSearchParams({ limit: "10", ...(cursor ? { cursor } : {}) });
  const res = await h().fetch(`/api/shares?${query}`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as { shares: { id: string }[]; cursor: string | null };
  return { page, listCalls: (await h().counters()).total.lists - before };
}

describe("the list's bound of 10 KV list calls per request", () => {
  it("answers an empty page with a cursor after ten whole KV pages of dead keys; the cursor reaches the share", async () => {
    const entries = Array.from({ length: DEAD_KEYS }, (_, i) => ({
      key: `share:-${String(i).padStart(5, "0")}`,
      value: "not a share",
    }));
    await h().kv.load({ version: 1, takenAt: h().clock.now(), entries });
    const res = await postShare(h(), JSON.stringify(createShareFactory(31).createBody()));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const first = await listPage();
    expect(first.listCalls).toBe(10);
    expect(first.page.shares).toEqual([]);
    expect(first.page.cursor).toEqual(expect.any(String));

    // Every later page keeps the bound too, and following the cursor to its end lists the share
    // once (the last pages finish the scan for legacy records the walk's end needs).
    const listed = [...first.page.shares];
    let cursor = first.page.cursor;
    let pages = 1;
    while (cursor !== null) {
      const next = await listPage(cursor);
      expect(next.listCalls).toBeLessThanOrEqual(10);
      listed.push(...next.page.shares);
      cursor = next.page.cursor;
      expect(++pages).toBeLessThan(10);
    }
    expect(listed.map((s) => s.id)).toEqual([id]);
  });
});
