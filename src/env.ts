/**
 * @module env
 * The Worker's bindings and vars, and the zod parser that turns the string vars into typed config
 * with defaults. A bad value is a 500 `config_invalid` naming the var, never a stack trace.
 */
import { z } from "zod";
import { AppError } from "./errors.js";
import { parsePublicOrigin } from "./urls/public-origin.js";

export interface Env {
  SHARE_DATA_KV?: KVNamespace;
  SHARE_IMAGES?: R2Bucket;
  /** kv | memory | auto (default: kv when SHARE_DATA_KV is bound). */
  STORAGE_BACKEND?: string;
  /** reject (default) | memory. */
  KV_WRITE_FALLBACK?: string;
  CACHE_MAX_ENTRIES?: string;
  CACHE_TTL_SECONDS?: string;
  KV_RETRY_BASE_MS?: string;
  KV_RETRY_MAX_ATTEMPTS?: string;
  KV_OP_TIMEOUT_MS?: string;
  IMAGE_FETCH_TIMEOUT_MS?: string;
  /** Origin of absolute links (og:url), e.g. https://share.example.com; unset = loopback only. */
  PUBLIC_ORIGIN?: string;
  /** Rate Limiting binding for creates (wrangler.jsonc `ratelimits`). */
  SHARE_CREATE_LIMITER?: RateLimit;
  /** Secret; when unset DELETE is disabled. */
  ADMIN_TOKEN?: string;
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const configSchema = z.object({
  STORAGE_BACKEND: z.enum(["kv", "memory", "auto"]).default("auto"),
  KV_WRITE_FALLBACK: z.enum(["reject", "memory"]).default("reject"),
  CACHE_MAX_ENTRIES: int(0, 100_000, 1000),
  CACHE_TTL_SECONDS: int(0, 86_400, 300),
  KV_RETRY_BASE_MS: int(0, 2000, 200),
  KV_RETRY_MAX_ATTEMPTS: int(1, 10, 5),
  KV_OP_TIMEOUT_MS: int(1, 60_000, 10_000),
  IMAGE_FETCH_TIMEOUT_MS: int(1, 60_000, 5000),
  PUBLIC_ORIGIN: z
    .string()
    .transform((value, ctx) => {
      const checked = parsePublicOrigin(value);
      if (checked.ok) return checked.origin;
      ctx.addIssue({ code: "custom", message: checked.reason });
      return z.NEVER;
    })
    .optional(),
});

export interface Config {
  backend: "kv" | "memory";
  writeFallback: "reject" | "memory";
  cacheMaxEntries: number;
  cacheTtlMs: number;
  retryBaseMs: number;
  retryMaxAttempts: number;
  /** Total backoff across all retries of one write never exceeds this. */
  retryMaxTotalMs: number;
  opTimeoutMs: number;
  imageFetchTimeoutMs: number;
  /** Normalised `PUBLIC_ORIGIN` (no trailing slash), when set. */
  publicOrigin: string | undefined;
  adminToken: string | undefined;
}

export const RETRY_MAX_TOTAL_MS = 5000;

/** Parse vars into config; throws AppError 500 `config_invalid` with the offending var names. */
export function parseConfig(env: Env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = (env as Record<string, unknown>)[key];
    // Empty strings mean "unset" (a blank line in .dev.vars).
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({
      path: i.path.join("."),
      message: i.message,
    }));
    throw new AppError(
      500,
      "config_invalid",
      `Invalid Worker configuration: ${fields.map((f) => `${f.path} (${f.message})`).join("; ")}`,
      { fields },
    );
  }
  const v = parsed.data;
  const hasKv = env.SHARE_DATA_KV !== undefined && env.SHARE_DATA_KV !== null;
  if (v.STORAGE_BACKEND === "kv" && !hasKv) {
    throw new AppError(
      500,
      "config_invalid",
      "STORAGE_BACKEND is 'kv' but the SHARE_DATA_KV binding is missing: add it to wrangler.jsonc kv_namespaces or set STORAGE_BACKEND=memory",
    );
  }
  return {
    backend: v.STORAGE_BACKEND === "auto" ? (hasKv ? "kv" : "memory") : v.STORAGE_BACKEND,
    writeFallback: v.KV_WRITE_FALLBACK,
    cacheMaxEntries: v.CACHE_MAX_ENTRIES,
    cacheTtlMs: v.CACHE_TTL_SECONDS * 1000,
    retryBaseMs: v.KV_RETRY_BASE_MS,
    retryMaxAttempts: v.KV_RETRY_MAX_ATTEMPTS,
    retryMaxTotalMs: RETRY_MAX_TOTAL_MS,
    opTimeoutMs: v.KV_OP_TIMEOUT_MS,
    imageFetchTimeoutMs: v.IMAGE_FETCH_TIMEOUT_MS,
    publicOrigin: v.PUBLIC_ORIGIN,
    // Blank (`ADMIN_TOKEN= ` in .dev.vars) is unset: no header can carry it (values are trimmed).
    adminToken: env.ADMIN_TOKEN?.trim() ? env.ADMIN_TOKEN : undefined,
  };
}
