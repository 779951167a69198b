/**
 * @module harness/workers/r2-layer
 * The R2 side of the layer: each isolate's R2 bucket binding is a real workerd `R2Bucket` whose
 * backend is the layer's `R2Service`, so a call arrives in R2's own HTTP protocol. This module reads
 * which operation and keys a request names, lets the shared fault table decide, and either answers
 * with R2's error (workerd turns it into the `R2Error` production throws: `get: We encountered an
 * internal error. Please try again. (10001)`) or hands the request, unchanged, to Miniflare's
 * bucket. Without a firing rule the call behaves exactly as on Miniflare's own binding.
 */
import type { FaultRule, R2Op } from "../types.js";
import type { FaultTable } from "./faults.js";
import { networkError } from "./kv-errors.js";

/** R2's protocol: GET-style calls carry their request in this header... */
const REQUEST_HEADER = "cf-r2-request";
/** ...writes send it as the body's first `cf-r2-metadata-size` bytes, the value after it. */
const METADATA_SIZE_HEADER = "cf-r2-metadata-size";
/** How an R2 backend reports an error to workerd. */
const ERROR_HEADER = "cf-r2-error";

/** R2's service errors: HTTP status, R2's code and its message (R2's error-code reference). */
const SERVICE_ERRORS: Record<429 | 500 | 503, { v4code: number; message: string }> = {
  429: { v4code: 10058, message: "Reduce your concurrent request rate for the same object." },
  500: { v4code: 10001, message: "We encountered an internal error. Please try again." },
  503: { v4code: 10043, message: "Service Unavailable" },
};

/** One R2 call as the layer sees it. `body`: the whole request body of a write, already read. */
export interface R2Call {
  op: R2Op | "other";
  /** The object key, each key of a bulk delete, or the list prefix. */
  keys: string[];
  body?: ArrayBuffer;
}

interface WireRequest {
  method?: string;
  object?: string;
  objects?: string[];
  prefix?: string;
}

const OPS: readonly string[] = ["get", "head", "put", "delete", "list"];

function callOf(wire: WireRequest, body?: ArrayBuffer): R2Call {
  const op = OPS.includes(wire.method ?? "") ? (wire.method as R2Op) : "other";
  const keys =
    op === "list"
      ? [wire.prefix ?? ""]
      : (wire.objects ?? (wire.object !== undefined ? [wire.object] : []));
  return { op, keys, ...(body ? { body } : {}) };
}

/** Read the operation and keys from R2's protocol (a write's body is read in full to do so). */
export async function decodeR2Call(request: Request): Promise<R2Call> {
  const header = request.headers.get(REQUEST_HEADER);
  if (header !== null) return callOf(JSON.parse(header) as WireRequest);
  const size = Number(request.headers.get(METADATA_SIZE_HEADER));
  const body = request.body === null ? new ArrayBuffer(0) : await request.arrayBuffer();
  if (!Number.isInteger(size) || size <= 0 || size > body.byteLength)
    return { op: "other", keys: [] };
  const metadata = new TextDecoder().decode(new Uint8Array(body, 0, size));
  return callOf(JSON.parse(metadata) as WireRequest, body);
}

/** R2's answer to a failed call, in the protocol workerd reads. */
export function r2ErrorResponse(status: 429 | 500 | 503): Response {
  const { v4code, message } = SERVICE_ERRORS[status];
  return new Response(null, {
    status,
    headers: { [ERROR_HEADER]: JSON.stringify({ version: 1, v4code, message }) },
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run one R2 call: the first matching `service: "r2"` rule acts on it, then (unless it failed)
 * Miniflare's bucket answers.
 */
export async function runR2Call(
  request: Request,
  context: { faults: FaultTable; binding: string; isolate: number; upstream: Fetcher },
): Promise<Response> {
  const call = await decodeR2Call(request);
  const rule =
    call.op === "other"
      ? undefined
      : context.faults.decide({
          service: "r2",
          op: call.op,
          key: call.keys[0] ?? "",
          keys: call.keys,
          isolate: context.isolate,
          binding: context.binding,
        });
  if (rule) {
    const failed = await apply(rule, context.faults);
    if (failed) return failed;
  }
  const forwarded =
    call.body === undefined
      ? request
      : new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: call.body,
        });
  return context.upstream.fetch(forwarded);
}

/** A latency rule delays the call; the others fail it (`hang` after `ms`, 30 s by default). */
async function apply(rule: FaultRule, faults: FaultTable): Promise<Response | undefined> {
  switch (rule.kind) {
    case "latency":
      // Ends early when the rule is removed, as a KV latency does (faults.ts).
      await faults.hold(rule.id, (rule.ms ?? 0) + faults.fraction(rule.id) * (rule.jitterMs ?? 0));
      return undefined;
    case "hang":
      await sleep(rule.ms ?? 30_000);
      throw networkError();
    case "network":
      throw networkError();
    case "error":
      return r2ErrorResponse((rule.status ?? 500) as 429 | 500 | 503);
  }
}
