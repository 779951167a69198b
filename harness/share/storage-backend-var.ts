/**
 * @module harness/node/storage-backend-var
 * The `STORAGE_BACKEND` var a harness boots the Worker with. The KV backend runs what is deployed:
 * wrangler.jsonc's value (`auto` by default, which must pick KV because `SHARE_DATA_KV` is bound),
 * so a broken `auto` fails every KV check instead of hiding behind a forced `kv`. The memory
 * backend is always asked for by name. A `vars.STORAGE_BACKEND` override wins (tests about
 * backend selection).
 */
import type { Backend } from "./options.js";

/** Values of `STORAGE_BACKEND` that select KV when the namespace is bound. */
const SELECTS_KV = new Set(["auto", "kv"]);

export function storageBackendVar(
  backend: Backend,
  configured: string | undefined,
  override: string | undefined,
): string {
  if (override !== undefined) return override;
  if (backend === "memory") return "memory";
  return configured !== undefined && SELECTS_KV.has(configured) ? configured : "kv";
}
