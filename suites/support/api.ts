/**
 * @module suites/support/api
 * The share API as a user's client calls it, over a `Target`: create, get, list (following
 * cursors), delete and monitoring, plus polling for effects that land in `waitUntil`.
 */
import { http, HttpResponse } from "msw";
import type { ShareFactory } from "../../fixtures/factories/index.js";
import { expect } from "vitest";
import {
  clientOver,
  postShare as createVia,
  type MonitoringAnswer,
  type ShareClient,
} from "../../src/client.js";
import type { CreateShareInput } from "../../src/shares/create-schema.js";
import { RETRY_AFTER_SECONDS } from "../../src/errors.js";
import { SHARE_TTL_SECONDS, type ShareData } from "../../src/shares/schema.js";
import {
  errorCodeOf,
  responseProblems,
  viewResponse,
} from "../../reliability/support/error-shape.js";
import { converge } from "./converge.js";
import type { Target, TargetKv } from "./target.js";

export interface CreatedShare extends ShareData {
  url: string;
  durability?: "pending";
  /** On a 202: where the share is held, how it can be lost, how to confirm it. */
  pending?: { heldBy: string; lostIf: string; confirm: { url: string } };
  warning?: { code: string; message: string };
}

export interface ApiError {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

/** GET /api/monitoring's answer, from the Worker's own route type. */
export type Monitoring = MonitoringAnswer;

export const JSON_HEADERS = { "content-type": "application/json" };

/**
 * The typed client of the share API (`src/client.ts`, `hc<AppType>`) over a target: paths, query
 * and answers checked against the Worker's routes. Bodies a client would not send (wrong types,
 * raw text) go through `target.fetch` as they are.
 */
export function clientOf(target: Target, isolate?: number): ShareClient {
  return clientOver((path, init) => target.fetch(path, init, isolate));
}

/** An id as a path segment (hc puts a param into the path as it is). */
const segment = (id: string) => encodeURIComponent(id);

/** POST /api/share (`postShare` of `src/client.ts`); returns the status and parsed body whatever the outcome. */
export async function postShare(
  target: Target,
  body: CreateShareInput | string,
  isolate?: number,
  contentType = "application/json",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: CreatedShare & Partial<ApiError>; headers: Headers }> {
  const res = await createVia(clientOf(target, isolate), body, { contentType, headers });
  const created = (await res.json()) as CreatedShare;
  if (res.status === 201 || res.status === 202) target.own.add(created.id);
  return { status: res.status, body: created, headers: res.headers };
}

/** POST /api/share with an `Idempotency-Key` (sent as a Structured Field string). */
export function postKeyed(target: Target, body: CreateShareInput, key: string, isolate?: number) {
  return postShare(target, body, isolate, "application/json", {
    "idempotency-key": JSON.stringify(key),
  });
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
): Promise<{ status: number; body: ShareData & Partial<ApiError>; headers: Headers }> {
  const res = await clientOf(target, isolate).api.share[":id"].$get({ param: { id: segment(id) } });
  return { status: res.status, body: (await res.json()) as ShareData, headers: res.headers };
}

/** GET /s/:id, the share page as a browser gets it. */
export async function getPage(
  target: Target,
  id: string,
  isolate?: number,
): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await target.fetch(`/s/${encodeURIComponent(id)}`, {}, isolate);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** GET /images/:id, the copy of the image kept in R2. */
export async function getImage(
  target: Target,
  id: string,
): Promise<{ status: number; bytes: number[]; headers: Headers }> {
  const res = await target.fetch(`/images/${encodeURIComponent(id)}`);
  return {
    status: res.status,
    bytes: [...new Uint8Array(await res.arrayBuffer())],
    headers: res.headers,
  };
}

export async function listPage(
  target: Target,
  query: { limit?: number; cursor?: string | null },
  isolate?: number,
): Promise<{
  status: number;
  body: { shares: ShareData[]; cursor: string | null } & Partial<ApiError>;
}> {
  const res = await clientOf(target, isolate).api.shares.$get({
    query: {
      ...(query.limit !== undefined ? { limit: String(query.limit) } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    },
  });
  return { status: res.status, body: (await res.json()) as { shares: ShareData[]; cursor: null } };
}

/**
 * Every share, following cursors until `null` (at most `maxPages`, so a loop cannot hang). A
 * page with a cursor is full (`limit` shares) and the last page of a non-empty listing holds at
 * least one: a client that pages must never be sent on to an empty page. (A store with more than
 * ten KV pages of keys that hold no share may answer a short page; the suites never make one.)
 */
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
    if (page.body.cursor !== null) {
      expect(page.body.shares, `page ${pages + 1} has a cursor, so it is full`).toHaveLength(limit);
    } else if (pages > 0) {
      expect(page.body.shares.length, `last page ${pages + 1} is empty`).toBeGreaterThan(0);
    }
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
  const res = await clientOf(target, isolate).api.share[":id"].$delete(
    { param: { id: segment(id) } },
    { headers: { authorization } },
  );
  await res.body?.cancel();
  if (res.status === 204) target.own.forget(id);
  return res.status;
}

/**
 * GET /api/monitoring as the operator sees it: with the admin token when the target has one, so
 * the totals are rescanned when older than 60 s (anonymous callers get the isolate's held counts).
 */
export async function monitoring(target: Target, isolate?: number): Promise<Monitoring> {
  const headers: Record<string, string> = target.adminToken
    ? { authorization: `Bearer ${target.adminToken}` }
    : {};
  const res = await clientOf(target, isolate).api.monitoring.$get({}, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Monitoring;
}

/** The share as the API stores it: the create response without its response-only fields. */
export function stored(created: CreatedShare): ShareData {
  const {
    url: _url,
    durability: _durability,
    pending: _pending,
    warning: _warning,
    ...share
  } = created;
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

/**
 * An error answer as the README promises it: the status, JSON `{ error: { code, message } }`, and
 * nothing a client should not see (no stack trace; 5xx only as 503 storage_unavailable with
 * Retry-After, unless `status` itself says otherwise).
 */
export async function expectError(
  res: Response,
  status: number,
  code: string,
): Promise<{ error: { code: string; message: string } }> {
  const view = await viewResponse(res);
  expect({ status: view.status, code: errorCodeOf(safeJson(view.text)) }, view.text).toEqual({
    status,
    code,
  });
  expect(view.contentType ?? "").toMatch(/^application\/json/);
  const problems = responseProblems(view).filter((p) => status < 500 || !p.startsWith("5xx"));
  expect(problems, view.text).toEqual([]);
  // An error echoing input is never sniffed into HTML.
  expect(res.headers.get("x-content-type-options"), `${status} ${code}`).toBe("nosniff");
  const body = JSON.parse(view.text) as { error: { code: string; message: string } };
  // A 500 says nothing of what failed inside (KV's own text stays in the log).
  if (code === "internal_error") expect(body.error.message).not.toMatch(/KV|failed|\d{3}/);
  // An outage's answer: retry after the documented 5 s, and never kept by a cache.
  if (code === "storage_unavailable") {
    expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.headers.get("cache-control")).toBe("no-store");
  }
  return body;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Put a record in the guide's legacy shape (JSON value, no metadata) straight into KV, expiring
 * 30 days after its timestamp as the guide's code stored it.
 */
export async function putLegacy(kv: TargetKv, share: ShareData): Promise<void> {
  await kv.put(`share:${share.id}`, JSON.stringify(share), {
    expiration: Math.floor(share.timestamp / 1000) + SHARE_TTL_SECONDS,
  });
}

/** Crockford base32, the id alphabet the list design documents. */
export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The creation time (ms) the first 10 characters of an id encode: 2^48-1 minus their value. */
export function idTime(id: string): number {
  let n = 0;
  for (const char of id.slice(0, 10)) n = n * 32 + CROCKFORD.indexOf(char);
  return 2 ** 48 - 1 - n;
}

/** A tiny valid PNG header, enough for the Worker's content-type checks. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** msw handler: the image host serves `url` as a PNG. */
export const imageHost = (url: string) =>
  http.get(url, () =>
    HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } }),
  );

/**
 * Creates a share that asks for a copy of its image, the image host serving it as {@link PNG}.
 * Where the target's network cannot be mocked (no `useHandlers`: a deployed Worker) the share is
 * created without the copy, so a check can still run there on the rest.
 */
export function createWithImage(
  target: Target,
  factory: Pick<ShareFactory, "createBody">,
  useHandlers: Target["control"]["useHandlers"],
): Promise<CreatedShare> {
  const body = factory.createBody(useHandlers ? { storeImage: true } : {});
  useHandlers?.(imageHost(body.generatedUrl));
  return createShare(target, body);
}

/** msw handler: the image host fails for `url`. */
export const failingImageHost = (url: string) =>
  http.get(url, () => new HttpResponse("upstream down", { status: 502 }));
