/**
 * @module harness/dashboard/plugin-ui
 * What the page hands a Worker plugin's dashboard module (`HarnessPlugin.dashboard`): its helpers
 * for calling the dev server and building DOM, so the plugin's files import nothing of the core's
 * by path. The plugin module exports `mount(ctx, ui)`, which adds its panels to `#plugin-views`
 * and answers `{ refresh?() }`; the page calls `refresh` with its own panels.
 */
import { call, errorInfo, query } from "./api.js";
import { busy, byId, h, showText } from "./dom.js";
import { formatDateTime } from "./format.js";

export const ui = { call, errorInfo, query, busy, byId, h, showText, formatDateTime };

/** @typedef {typeof ui} DashboardUi */
/**
 * How the store browser names keys: their kind (a badge and its help), the Worker's own page for
 * a key, what a search entry means, and the prefix to start at.
 * @typedef {{
 *   kindOf: (name: string, metadata: unknown) => { kind: string, label: string, help: string },
 *   pageOf: (name: string) => string | undefined,
 *   searchKey: (input: string) => string | undefined,
 *   prefix?: string,
 * }} KeyView
 */
/** @typedef {{ refresh?: () => Promise<void>, keys?: KeyView }} PluginViews */
/**
 * @typedef {{ mount: (ctx: import("./context.js").DashboardContext, ui: DashboardUi) => PluginViews }} PluginModule
 */

/** Keys of a Worker whose plugin says nothing about them: plain KV keys, searched as typed. */
/** @type {KeyView} */
export const plainKeys = {
  kindOf: () => ({ kind: "other", label: "Key", help: "A KV key." }),
  pageOf: () => undefined,
  searchKey: (input) => input.trim() || undefined,
};

/**
 * Import the Worker's plugin module, if the harness has one, and mount it.
 * @param {import("./context.js").DashboardContext} ctx
 * @returns {Promise<PluginViews[]>}
 */
export async function mountPluginViews(ctx) {
  const { data } = await call("GET", "/__harness/ui/plugin");
  if (!data.entry) return [];
  /** @type {PluginModule} */
  const plugin = await import(data.entry);
  return [plugin.mount(ctx, ui)];
}
