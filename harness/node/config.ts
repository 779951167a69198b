/**
 * @module harness/node/config
 * Reads a Worker's `wrangler.jsonc`, the single source of truth for its runtime, vars and
 * bindings. Every `kv_namespaces` entry is read (the harness puts its KV layer in front of each,
 * named by its binding); nothing here knows a Worker by name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { HarnessError } from "../errors.js";

export interface WorkerConfig {
  name: string;
  /** The folder of the wrangler.jsonc read; `main` is relative to it. */
  root: string;
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  /** Every `kv_namespaces` entry, in declared order (`preview_id` over `id`). */
  kvNamespaces: KvNamespaceBinding[];
  r2: { binding: string; bucketName: string }[];
  /** `ratelimits` bindings (Cloudflare's Rate Limiting binding), as deployed. */
  rateLimits: RateLimitBinding[];
}

/** One `kv_namespaces` entry. */
export interface KvNamespaceBinding {
  binding: string;
  namespaceId: string;
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

/** Parse wrangler.jsonc text; `file` names it in errors and its folder is the Worker's root. */
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
  const kvNamespaces = (raw.kv_namespaces ?? []).map((n, i) => {
    const namespaceId = n?.preview_id ?? n?.id;
    if (!n?.binding || !namespaceId) {
      throw new HarnessError(
        "CONFIG_INVALID",
        `${file}: kv_namespaces[${i}] needs a binding and an id or preview_id`,
      );
    }
    return { binding: n.binding, namespaceId };
  });
  const names = kvNamespaces.map((n) => n.binding);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) {
    throw new HarnessError("CONFIG_INVALID", `${file}: kv_namespaces binds ${twice} twice`);
  }
  return {
    name: raw.name ?? "worker",
    root: path.dirname(path.resolve(file)),
    main: raw.main ?? "src/index.ts",
    compatibilityDate: raw.compatibility_date,
    compatibilityFlags: raw.compatibility_flags ?? [],
    vars: Object.fromEntries(Object.entries(raw.vars ?? {}).map(([k, v]) => [k, String(v)])),
    kvNamespaces,
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
