/**
 * @module app-env
 * Hono's typing for this app: the Worker bindings plus per-request config, backend, store and the
 * isolate's state.
 */
import type { Config, Env } from "./env.js";
import type { CreateGuard } from "./idempotency/create-guard.js";
import type { ShareStore } from "./shares/store.js";
import type { IsolateState } from "./state.js";
import type { StorageBackend } from "./storage/types.js";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    backend: StorageBackend;
    store: ShareStore;
    /** What this isolate holds between requests (`state.ts`). */
    isolate: IsolateState;
    /** Set on POST /api/share by the idempotency middleware. */
    createGuard: CreateGuard;
  };
}
