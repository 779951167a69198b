/**
 * @module harness/share/options
 * The share Worker's own harness option: which storage backend it runs (`STORAGE_BACKEND`). The
 * core carries it as a plugin option (`pluginOptions.backend`, reported in `options.plugin`).
 */
import { z } from "zod";
import type { Harness, HarnessOptions } from "../types.js";

export type Backend = "kv" | "memory";

/** The share plugin's options schema (every field optional; defaults in `SHARE_DEFAULTS`). */
export const shareOptionsSchema = z.strictObject({
  backend: z
    .enum(["kv", "memory"], {
      error: (issue) => `must be "kv" or "memory", got ${JSON.stringify(issue.input)}`,
    })
    .optional(),
});

export const SHARE_DEFAULTS: { backend: Backend } = { backend: "kv" };

/** Options of a share harness: the core's, and the share Worker's `backend` (default `"kv"`). */
export interface ShareHarnessOptions extends HarnessOptions {
  backend?: Backend;
}

/** The storage backend a share harness runs. */
export function backendOf(harness: Pick<Harness, "options">): Backend {
  return (harness.options.plugin.backend as Backend | undefined) ?? SHARE_DEFAULTS.backend;
}
