/**
 * @module harness/node/plugin
 * What a Worker adds to the harness core, from beside the Worker (the share Worker's is
 * `harness/share/`). The core boots any Worker from its wrangler.jsonc without one; a plugin gives
 * meaning to what only that Worker has.
 */
import type { z } from "zod";
import type { Harness, HarnessOptions, KvSnapshotEntry } from "../types.js";

/** An R2 lifecycle rule: objects under `prefix` are deleted `expireDays` after upload. */
export interface ExpiryRule {
  prefix: string;
  expireDays: number;
}

export interface HarnessPlugin {
  /** Names the plugin in bundle caches and errors. */
  name: string;
  /**
   * A workers-side module (absolute path) whose default export is an `IsolateHooks`
   * (`harness/workers/isolate-hooks.ts`): the Worker's clock hook and isolate reset.
   */
  isolateHooks?: string;
  /**
   * The options only this Worker has (`HarnessOptions.pluginOptions`: the share Worker's
   * `backend`), every field optional: a wrong one is `BAD_OPTION` naming it; a session request
   * (`POST /__harness/sessions`) takes them beside the core's.
   */
  options?: z.ZodObject;
  /** What `options` are when not given (a session starts from its dev server's instead). */
  optionDefaults?: Record<string, unknown>;
  /**
   * Vars the Worker boots with on top of wrangler.jsonc's and the options' `vars` (e.g. the
   * storage backend `backend` asks for); `resolved` is `options.plugin`.
   */
  vars?(
    resolved: Readonly<Record<string, unknown>>,
    options: HarnessOptions,
    configured: Record<string, string>,
  ): Record<string, string>;
  /** Lifecycle rules of the Worker's first R2 bucket, applied on the virtual clock. */
  r2Lifecycle?: ExpiryRule[];
  /** What whole-store loads and wipes (dev server, recorder, seed) do besides KV. */
  storeSteps?: StoreSteps;
  /** The Worker's own dashboard panels and the Worker reads they make. */
  dashboard?: DashboardPlugin;
}

/**
 * A Worker's views on the dev dashboard (`harness/server/dashboard-route.ts` serves them). The core
 * page shows KV, faults, the clock, restarts and logs for any Worker; a plugin adds what only its
 * Worker has (the share Worker's monitoring, test create and shares grid, and the reads they make).
 */
export interface DashboardPlugin {
  /** Folder of the plugin's page modules (flat names), served as `/__harness/ui/plugin/<name>`. */
  dir: string;
  /**
   * The module in `dir` the page imports; its `mount(ctx, ui)` adds the panels (and may load the
   * folder's style sheets) and answers its views (`PluginViews` in `harness/dashboard/plugin-ui.js`).
   */
  entry: string;
  /** Worker reads by name: `/__harness/ui/api/<name>` answers this Worker path (query kept). */
  reads?: Record<string, string>;
  /** Worker objects by id: `/__harness/ui/<kind>/<id>` answers this path prefix plus the id. */
  objects?: Record<string, string>;
}

/** Steps of a whole-store change beyond KV itself (`harness/server/store-loads.ts` runs them). */
export interface StoreSteps {
  /** Refuse a load the Worker would not see (throw a `ControlError` saying what to do). */
  assertLoadable?(harness: Harness, what: string): void;
  /** After entries were loaded: make what they point at exist; returns how many objects. */
  afterLoad?(harness: Harness, entries: readonly KvSnapshotEntry[]): Promise<number>;
  /** A wiped or replaced store: remove what goes with its KV entries. */
  clear?(harness: Harness): Promise<void>;
}
