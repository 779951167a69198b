/**
 * @module harness/share/plugin
 * The share Worker's plugin for the harness core: its isolate hooks (virtual clock, isolate
 * reset), the `backend` option (the `STORAGE_BACKEND` var), its bucket's image lifecycle rule,
 * its store steps (placeholder images for loaded shares, images wiped with the store) and its
 * dashboard views (`dashboard/`: monitoring, a test create, the shares grid, how its keys are
 * named, their styles) with the Worker reads the page makes.
 */
import path from "node:path";
import { IMAGE_LIFECYCLE_RULE } from "../../src/images/lifecycle.js";
import type { HarnessPlugin } from "../node/plugin.js";
import { SHARE_DEFAULTS, shareOptionsSchema, type Backend } from "./options.js";
import { storageBackendVar } from "./storage-backend-var.js";
import { shareStoreSteps } from "./store-steps.js";

/** The share Worker's wrangler.jsonc (the repository's). */
export const SHARE_CONFIG = path.join(import.meta.dirname, "../../wrangler.jsonc");

export const sharePlugin: HarnessPlugin = {
  name: "share",
  isolateHooks: path.join(import.meta.dirname, "isolate-hooks.ts"),
  options: shareOptionsSchema,
  optionDefaults: SHARE_DEFAULTS,
  vars: (resolved, options, configured) => ({
    STORAGE_BACKEND: storageBackendVar(
      resolved.backend as Backend,
      configured.STORAGE_BACKEND,
      options.vars?.STORAGE_BACKEND,
    ),
  }),
  r2Lifecycle: [IMAGE_LIFECYCLE_RULE],
  storeSteps: shareStoreSteps,
  dashboard: {
    dir: path.join(import.meta.dirname, "dashboard"),
    entry: "shares-view.js",
    reads: { monitoring: "/api/monitoring", shares: "/api/shares" },
    objects: { images: "/images/" },
  },
};
