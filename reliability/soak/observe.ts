/**
 * @module reliability/soak/observe
 * Reads what the system says once faults stopped: KV directly, and through each isolate the full
 * list (following cursors), a GET per share and /api/monitoring.
 */
import pLimit from "p-limit";
import type { Harness } from "../../harness/types.js";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import { SHARE_KEY_PREFIX } from "../../src/shares/record.js";
import type { ShareData } from "../../src/shares/schema.js";
import { responseProblems, viewResponse } from "../support/error-shape.js";
import { harnessClient } from "../support/harness-client.js";
import type { IsolateView } from "./violations.js";

/** Requests the observers keep in flight at once. */
export const OBSERVE_CONCURRENCY = 16;

/** Every share id in KV, read directly (no Worker, no edge caches, virtual expiry applied). */
export async function kvShareIds(harness: Harness): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await harness.kv.list({
      prefix: SHARE_KEY_PREFIX,
      cursor,
      limit: KV_LIMITS.listLimit,
    });
    for (const key of page.keys) ids.add(key.name.slice(SHARE_KEY_PREFIX.length));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return ids;
}

/** Monitoring as `isolate` answers it; with the admin token its totals are a fresh scan (60 s). */
export async function monitoringOf(
  harness: Harness,
  isolate: number,
  adminToken?: string,
): Promise<{ total: number; pending: number; corruptRecords: number } | undefined> {
  const headers: Record<string, string> = adminToken
    ? { authorization: `Bearer ${adminToken}` }
    : {};
  const res = await harnessClient(harness, isolate).api.monitoring.$get({}, { headers });
  if (res.status !== 200) {
    await res.body?.cancel();
    return undefined;
  }
  const body = await res.json();
  return {
    total: body.shares.total,
    pending: body.shares.pending,
    corruptRecords: body.corruptRecords,
  };
}

/** Follow cursors to the end; undefined (and a problem) when a page is not 200. */
export async function listEverything(
  harness: Harness,
  isolate: number,
  problems: string[],
  pageLimit = 100,
): Promise<ShareData[] | undefined> {
  const shares: ShareData[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100_000; pages++) {
    const res = await harnessClient(harness, isolate).api.shares.$get({
      query: { limit: String(pageLimit), ...(cursor ? { cursor } : {}) },
    });
    const view = await viewResponse(res as unknown as Response);
    problems.push(...responseProblems(view));
    if (view.status !== 200) return undefined;
    const page = JSON.parse(view.text) as { shares: ShareData[]; cursor: string | null };
    shares.push(...page.shares);
    cursor = page.cursor;
    if (!cursor) return shares;
  }
  return undefined;
}

/** What one isolate answers for the list, every given id, and monitoring. */
export async function observeIsolate(
  harness: Harness,
  isolate: number,
  ids: readonly string[],
  problems: string[],
  adminToken: string,
): Promise<IsolateView> {
  const listed = await listEverything(harness, isolate, problems);
  const gets = new Map<string, { status: number; share?: ShareData }>();
  await pLimit(OBSERVE_CONCURRENCY).map(ids, async (id) => {
    const res = await harnessClient(harness, isolate).api.share[":id"].$get({ param: { id } });
    const view = await viewResponse(res);
    problems.push(...responseProblems(view));
    gets.set(
      id,
      view.status === 200
        ? { status: 200, share: JSON.parse(view.text) as ShareData }
        : { status: view.status },
    );
  });
  // Anonymous monitoring answers the counts this isolate holds (other isolates' writes missing);
  // the check compares totals with the list, so it asks for a fresh count, as an operator would.
  const m = await monitoringOf(harness, isolate, adminToken);
  return { isolate, listed, gets, monitoring: m && { total: m.total, pending: m.pending } };
}
