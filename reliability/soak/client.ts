/**
 * @module reliability/soak/client
 * Runs one planned op against the harness as an HTTP client would, records every request and
 * checks every answer. Targets for gets and deletes come from the shares acknowledged so far.
 */
import type { Harness } from "../../harness/types.js";
import { postShare, type ShareClient } from "../../src/client.js";
import { createShareId } from "../../src/shares/record.js";
import { errorCodeOf, viewResponse, type ResponseView } from "../support/error-shape.js";
import { harnessClient } from "../support/harness-client.js";
import type { OpRecord } from "./history.js";
import type { WriteFallback } from "./options.js";
import type { PlannedOp } from "./plan.js";
import { checkOpResponse, type Violation } from "./violations.js";

export interface ClientContext {
  harness: Harness;
  fallback: WriteFallback;
  adminToken: string;
  /** Ids acknowledged so far, in order (gets and deletes pick from it). */
  known: string[];
  records: OpRecord[];
  violations: Violation[];
  startedAt: number;
  epoch: () => number;
  /** The runtime generation (+1 at the start of every restart or crash). */
  generation: () => number;
  outage: () => boolean;
  /** Attempts a keyed create makes at most. */
  attempts: number;
}

/** Pause before a keyed retry, times the attempt: short, so the soak spends its time on work. */
const RETRY_PAUSE_MS = 20;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

function pickId(ctx: ClientContext, pick: number): string | undefined {
  return ctx.known.length === 0 ? undefined : ctx.known[Math.floor(pick * ctx.known.length)];
}

async function request(
  ctx: ClientContext,
  op: PlannedOp,
  client: number,
  method: string,
  path: string,
  send: (api: ShareClient) => Promise<Pick<Response, "status" | "text" | "headers">>,
  extra: Partial<OpRecord>,
): Promise<{ record: OpRecord; view: ResponseView | undefined; body: unknown }> {
  const start = performance.now();
  const virtualAt = ctx.harness.clock.now();
  const base = {
    i: op.i,
    client,
    epoch: ctx.epoch(),
    generation: ctx.generation(),
    kind: op.kind,
    isolate: op.isolate,
    method,
    path,
    at: Math.round(start - ctx.startedAt),
    virtualAt,
    outage: ctx.outage(),
    ...extra,
  };
  let view: ResponseView | undefined;
  try {
    view = await viewResponse(await send(harnessClient(ctx.harness, op.isolate)));
  } catch (error) {
    const record: OpRecord = { ...base, ms: performance.now() - start, status: 0 };
    ctx.records.push(record);
    ctx.violations.push({
      code: "transport_error",
      message: `op ${op.i} ${method} ${path}: the harness did not answer: ${(error as Error).message}`,
      op: op.i,
    });
    return { record, view: undefined, body: undefined };
  }
  const body = json(view.text);
  const code = view.status >= 300 ? errorCodeOf(body) : undefined;
  const record: OpRecord = {
    ...base,
    ms: Math.round((performance.now() - start) * 10) / 10,
    status: view.status,
    ...(code ? { code } : {}),
  };
  ctx.records.push(record);
  ctx.violations.push(...checkOpResponse(record, view, ctx.fallback));
  return { record, view, body };
}

/** Execute one planned op (a list may fetch several pages). */
export async function runOp(ctx: ClientContext, op: PlannedOp, client: number): Promise<void> {
  switch (op.kind) {
    case "create": {
      const headers: Record<string, string> = op.key ? { "idempotency-key": `"${op.key}"` } : {};
      // Unkeyed: one attempt. Keyed: again after a 503, a 409 or no answer, as a client would.
      for (let attempt = 1; attempt <= (op.key ? ctx.attempts : 1); attempt++) {
        const { record, body } = await request(
          ctx,
          op,
          client,
          "POST",
          "/api/share",
          (api) => postShare(api, op.body, { headers }),
          { body: op.body, ...(op.key ? { key: op.key, attempt } : {}) },
        );
        const id = (body as { id?: unknown } | undefined)?.id;
        if ((record.status === 201 || record.status === 202) && typeof id === "string") {
          record.id = id;
          if (!ctx.known.includes(id)) ctx.known.push(id);
          return;
        }
        if (![0, 409, 503].includes(record.status)) return;
        await sleep(RETRY_PAUSE_MS * attempt);
      }
      return;
    }
    case "get": {
      const id = op.unknownId ? createShareId(ctx.harness.clock.now()) : pickId(ctx, op.pick);
      if (!id) return;
      await request(
        ctx,
        op,
        client,
        "GET",
        `/api/share/${id}`,
        (api) => api.api.share[":id"].$get({ param: { id } }),
        { id },
      );
      return;
    }
    case "list": {
      let cursor: string | null = null;
      for (let page = 0; page < op.pages; page++) {
        const query = { limit: String(op.limit), ...(cursor ? { cursor } : {}) };
        const { record, body } = await request(
          ctx,
          op,
          client,
          "GET",
          `/api/shares?${new URLSearchParams(query)}`,
          (api) => api.api.shares.$get({ query }),
          {},
        );
        if (record.status !== 200) return;
        const pageBody = body as { shares?: { id: string }[]; cursor?: string | null };
        record.ids = (pageBody.shares ?? []).map((s) => s.id);
        cursor = pageBody.cursor ?? null;
        if (!cursor) return;
      }
      return;
    }
    case "delete": {
      const id = pickId(ctx, op.pick);
      if (!id) return;
      const headers: Record<string, string> = {};
      if (op.auth === "valid") headers.authorization = `Bearer ${ctx.adminToken}`;
      if (op.auth === "wrong") headers.authorization = `Bearer ${ctx.adminToken}x`;
      await request(
        ctx,
        op,
        client,
        "DELETE",
        `/api/share/${id}`,
        (api) => api.api.share[":id"].$delete({ param: { id } }, { headers }),
        { id, auth: op.auth },
      );
      return;
    }
  }
}
