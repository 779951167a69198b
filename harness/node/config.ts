/**
 * @module harness/node/config
 * Reads `wrangler.jsonc`, the single source of truth for the Worker's runtime, vars and bindings.
 */
import { readFileSync } from "node:fs";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { HarnessError } from "../errors";

export interface WorkerConfig {
  name: string;
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  kv: { binding: string; namespaceId: string };
  r2: { binding: string; bucketName: string }[];
}

interface RawConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  kv_namespaces?: { binding: string; id?: string; preview_id?: string }[];
  r2_buckets?: { binding: string; bucket_name: string; preview_bucket_name?: string }[];
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
  };
}

export function readWorkerConfig(file: string): WorkerConfig {
  return parseWorkerConfig(readFileSync(file, "utf8"), file);
}
