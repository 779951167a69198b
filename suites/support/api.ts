/**
 * @module suites/support/api
 * The share API as a user's client calls it, over a `Target`: create, get, list (following
 * cursors), delete and monitoring, plus polling for effects that land in `waitUntil`.
 */
import { http, HttpResponse } from "msw";
import { expect } from "vitest";
import type { CreateShareInput } from "../../src/shares/create-schema";
import type { ShareData } from "../../src/shares/schema";
import { converge } from "./converge";
import type { Target } from "./target";

export interface CreatedShare extends ShareData {
  url: string;
  durability?: "pending";
  warning?: { code: string; message: string };
}

export interface ApiError {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

export interface Monitoring {
  backend: string;
  shares: { total: number; r2Stored: number; legacy: number; pending: number; stale: boolean };
  cache: { hits: number; misses: number; hitRate: number; size: number; maxSize: number };
  kv: {
    reads: number;
    writes: number;
    deletes: number;
    lists: number;
    errors: number;
    errorRate: number;
    retries: number;
    fallbacks: number;
    pendingWrites: number;
  };
}

export const JSON_HEADERS = { "content-type": "application/json" };

/** POST /api/share; returns the status and parsed body whatever the outcome. */
export async function postShare(
  target: Target,
  body: CreateShareInput | string,
  isolate?: number,
  contentType = "application/json",
): Promise<{ status: number; body: CreatedShare & Partial<ApiError>; headers: Headers }> {
  const res = await target.fetch(
    "/api/share",
    {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
    isolate,
  );
  const created = (await res.json()) as CreatedShare;
  if (res.status === 201 || res.status === 202) target.own.add(created.id);
  return { status: res.status, body: created, headers: res.headers };
}

/** A create that must be acknowledged as durable (201). */
export async function createShare(
  target: Target,
  body: CreateShareInput,
  isolate?: number,
): Promise<CreatedShare> {
  const res = await postShare(target, body, isolate);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function getShare(
  target: Target,
  id: string,
  isolate?: number,
): Promise<{ status: number; body: ShareData & Partial<ApiError> }> {
  const res = await target.fetch(`/api/share/${encodeURIComponent(id)}`, {}, isolate);
  return { status: res.status, body: (await res.json()) as ShareData };
}

export async function listPage(
  target: Target,
  query: { limit?: number; cursor?: string | null },
  isolate?: number,
): Promise<{
  status: number;
  body: { shares: ShareData[]; cursor: string | null } & Partial<ApiError>;
}> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  const res = await target.fetch(`/api/shares?${params}`, {}, isolate);
  return { status: res.status, body: (await res.json()) as { shares: ShareData[]; cursor: null } };
}

/** Every share, following cursors until `null` (at most `maxPages`, so a loop cannot hang). */
export async function listAll(
  target: Target,
  limit = 100,
  isolate?: number,
  maxPages = 200,
): Promise<{ shares: ShareData[]; pages: number }> {
  const shares: ShareData[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listPage(target, { limit, cursor }, isolate);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.shares.length).toBeLessThanOrEqual(limit);
    shares.push(...page.body.shares);
    cursor = page.body.cursor;
    pages++;
  } while (cursor && pages < maxPages);
  expect(cursor, "the list never ended").toBeNull();
  return { shares, pages };
}

/** DELETE with the target's admin token (or `authorization` as given); returns the status. */
export async function deleteShare(
  target: Target,
  id: string,
  isolate?: number,
  authorization = `Bearer ${target.adminToken ?? ""}`,
): Promise<number> {
  const res = await target.fetch(
    `/api/share/${encodeURIComponent(id)}`,
    { method: "DELETE", headers: { authorization } },
    isolate,
  );
  await res.body?.cancel();
  if (res.status === 204) target.own.forget(id);
  return res.status;
}

export async function monitoring(target: Target, isolate?: number): Promise<Monitoring> {
  const res = await target.fetch("/api/monitoring", {}, isolate);
  expect(res.status).toBe(200);
  return (await res.json()) as Monitoring;
}

/** The share as the API stores it: the create response without its response-only fields. */
export function stored(created: CreatedShare): ShareData {
  const { url: _url, durability: _durability, warning: _warning, ...share } = created;
  return share;
}

/**
 * Poll `check` until it returns true, for effects the Worker finishes in `waitUntil` after the
 * response (pending-write flushes). Fails with `what` when it has not happened within `windowMs`.
 */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  windowMs = 15_000,
): Promise<void> {
  await converge(
    what,
    async () => {
      if (!(await check())) throw new Error(`never happened: ${what}`);
    },
    windowMs,
  );
}

/** A tiny valid PNG header, enough for the Worker's content-type checks. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** msw handler: the image host serves `url` as a PNG. */
export const imageHost = (url: string) =>
  http.get(url, () =>
    HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } }),
  );

/** msw handler: the image host fails for `url`. */
export const failingImageHost = (url: string) =>
  http.get(url, () => new HttpResponse("upstream down", { status: 502 }));
