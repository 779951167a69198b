/**
 * @module app-env
 * Hono's typing for this app: the Worker bindings plus per-request config, backend and store.
 */
import type { Config, Env } from "./env.js";
import type { CreateGuard } from "./idempotency/create-guard.js";
import type { ShareStore } from "./shares/store.js";
import type { SelectedBackend } from "./storage/select.js";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    backend: SelectedBackend;
    store: ShareStore;
    /** Set on POST /api/share by the idempotency middleware. */
    createGuard: CreateGuard;
  };
}
