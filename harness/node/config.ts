/**
 * @module harness/node/config
 * Reads `wrangler.jsonc`, the single source of truth for the Worker's runtime, vars and bindings.
 */
import { readFileSync } from "node:fs";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { HarnessError } from "../errors.js";

export interface WorkerConfig {
  name: string;
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  kv: { binding: string; namespaceId: string };
  r2: { binding: string; bucketName: string }[];
  /** `ratelimits` bindings (Cloudflare's Rate Limiting binding), as deployed. */
  rateLimits: RateLimitBinding[];
}

/** One `ratelimits` entry: `simple: { limit, period }` requests per client key per period (s). */
export interface RateLimitBinding {
  binding: string;
  namespaceId: string;
  limit: number;
  period: 10 | 60;
}

interface RawConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  kv_namespaces?: { binding: string; id?: string; preview_id?: string }[];
  r2_buckets?: { binding: string; bucket_name: string; preview_bucket_name?: string }[];
  ratelimits?: {
    name?: string;
    namespace_id?: string;
    simple?: { limit?: unknown; period?: unknown };
  }[];
}

export const KV_BINDING = "SHARE_DATA_KV";

/** Parse wrangler.jsonc text; `file` only names it in errors. */
export function parseWorkerConfig(text: string, file = "wrangler.jsonc"): WorkerConfig {
  const errors: ParseError[] = [];
  const raw = parse(text, errors, { allowTrailingComma: true }) as RawConfig;
  if (errors.length) {
    const first = errors[0]!;
    throw new HarnessError(
      "CONFIG_INVALID",
      `${file}: ${printParseErrorCode(first.error)} at offset ${first.offset}`,
    );
  }
  if (!raw.compatibility_date) {
    throw new HarnessError("CONFIG_INVALID", `${file}: compatibility_date is required`);
  }
  const kv = raw.kv_namespaces?.find((n) => n.binding === KV_BINDING);
  const namespaceId = kv?.preview_id ?? kv?.id;
  if (!namespaceId) {
    throw new HarnessError(
      "CONFIG_INVALID",
      `${file}: kv_namespaces needs a ${KV_BINDING} entry with an id or preview_id`,
    );
  }
  return {
    name: raw.name ?? "worker",
    main: raw.main ?? "src/index.ts",
    compatibilityDate: raw.compatibility_date,
    compatibilityFlags: raw.compatibility_flags ?? [],
    vars: Object.fromEntries(Object.entries(raw.vars ?? {}).map(([k, v]) => [k, String(v)])),
    kv: { binding: KV_BINDING, namespaceId },
    r2: (raw.r2_buckets ?? []).map((b) => ({
      binding: b.binding,
      bucketName: b.preview_bucket_name ?? b.bucket_name,
    })),
    rateLimits: (raw.ratelimits ?? []).map((r, i) =>
      parseRateLimit(r, `${file}: ratelimits[${i}]`),
    ),
  };
}

function parseRateLimit(
  raw: NonNullable<RawConfig["ratelimits"]>[number],
  where: string,
): RateLimitBinding {
  const { name, namespace_id: namespaceId, simple } = raw;
  if (!name || !namespaceId) {
    throw new HarnessError("CONFIG_INVALID", `${where} needs a name and a namespace_id`);
  }
  const limit = simple?.limit;
  const period = simple?.period;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (period !== 10 && period !== 60)) {
    throw new HarnessError(
      "CONFIG_INVALID",
      `${where} (${name}) needs simple: { limit: <integer >= 1>, period: 10 | 60 }`,
    );
  }
  return { binding: name, namespaceId, limit: limit as number, period };
}

export function readWorkerConfig(file: string): WorkerConfig {
  return parseWorkerConfig(readFileSync(file, "utf8"), file);
}
