/**
 * @module mutants/observe
 * What a user does in a mutant's check (`Mutant.shows`): create, read, delete and list shares
 * over HTTP on a harness, answering only what a user sees (statuses, counts).
 */
import { createShareFactory } from "../fixtures/factories/index.js";
import type { Harness } from "../harness/types.js";

/** The admin token every check's harness is booted with. */
export const CHECK_ADMIN_TOKEN = "mutant-check-admin-token";

const bodies = createShareFactory(2020);

export async function create(h: Harness, isolate = 0): Promise<{ status: number; id?: string }> {
  const res = await h.fetch(
    "/api/share",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(bodies.createBody()),
    },
    isolate,
  );
  const body = (await res.json()) as { id?: string };
  return { status: res.status, ...(body.id ? { id: body.id } : {}) };
}

/** Create and return the id; throws when the create does not answer 201 or 202. */
export async function created(h: Harness, isolate = 0): Promise<string> {
  const { status, id } = await create(h, isolate);
  if ((status !== 201 && status !== 202) || !id) throw new Error(`create answered ${status}`);
  return id;
}

export async function read(h: Harness, id: string, isolate = 0): Promise<number> {
  const res = await h.fetch(`/api/share/${id}`, {}, isolate);
  await res.body?.cancel();
  return res.status;
}

export async function remove(h: Harness, id: string, isolate = 0): Promise<number> {
  const res = await h.fetch(
    `/api/share/${id}`,
    { method: "DELETE", headers: { authorization: `Bearer ${CHECK_ADMIN_TOKEN}` } },
    isolate,
  );
  await res.body?.cancel();
  return res.status;
}

/** Every share id a user reaches by following the list's cursors, `limit` per page. */
export async function listAll(h: Harness, limit: number, isolate = 0): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await h.fetch(`/api/shares?${query}`, {}, isolate);
    if (res.status !== 200) throw new Error(`list answered ${res.status}`);
    const body = (await res.json()) as { shares: { id: string }[]; cursor: string | null };
    ids.push(...body.shares.map((s) => s.id));
    cursor = body.cursor;
    if (!cursor) break;
  }
  return ids;
}

export async function monitoringTotal(h: Harness): Promise<number> {
  const res = await h.fetch("/api/monitoring");
  return ((await res.json()) as { shares: { total: number } }).shares.total;
}

export { bodies as checkFactory };
