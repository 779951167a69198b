/**
 * @module harness/dashboard/plugin-ui
 * What the page hands a Worker plugin's dashboard module (`HarnessPlugin.dashboard`): its helpers
 * for calling the dev server, building DOM, formatting and charting, so the plugin's files import
 * nothing of the core's by path. The plugin module exports `mount(ctx, ui)`, which adds its
 * sections to `#plugin-views` (and cards to the Controls' `#plugin-controls`) and answers its
 * views; the page polls and refreshes them with its own panels, and links each section from the
 * top bar.
 */
import { call, errorInfo, query } from "./api.js";
import { chartGeometry, renderChart } from "./chart.js";
import { busy, byId, h, showText } from "./dom.js";
import { formatDateTime, formatDuration, formatMs, formatPercent } from "./format.js";

/**
 * Load one of the plugin's style sheets (its own files, so the page's CSP allows them).
 * @param {string} href
 */
function stylesheet(href) {
  document.head.append(h("link", { rel: "stylesheet", href }));
}

export const ui = {
  call,
  errorInfo,
  query,
  busy,
  byId,
  h,
  showText,
  stylesheet,
  chartGeometry,
  renderChart,
  formatDateTime,
  formatDuration,
  formatMs,
  formatPercent,
};

/** @typedef {typeof ui} DashboardUi */
/**
 * How the store browser names keys: their kind (a badge and its help), the Worker's own page for
 * a key, what a search entry means (and its label and hint), and the prefix to start at.
 * @typedef {{
 *   kindOf: (name: string, metadata: unknown) => { kind: string, label: string, help: string },
 *   pageOf: (name: string) => string | undefined,
 *   searchKey: (input: string) => string | undefined,
 *   searchLabel?: string,
 *   searchHint?: string,
 *   prefix?: string,
 * }} KeyView
 */
/**
 * What the Worker keeps in memory in the selected isolate, for the restart report.
 * @typedef {{ cacheSize: number, isolateStartedAt: string }} WorkerMemory
 */
/**
 * One of the plugin's views. `poll` runs on every live poll and every refresh, `refresh` when
 * something changed the harness (both get `GET /__harness/state`); `keys` names the store's keys;
 * `workerMemory` tells the restart report what the Worker held (undefined when it cannot say).
 * @typedef {{
 *   poll?: (state: any) => Promise<void>,
 *   refresh?: (state: any) => Promise<void>,
 *   keys?: KeyView,
 *   workerMemory?: () => Promise<WorkerMemory | undefined>,
 * }} PluginViews
 */
/**
 * @typedef {{ mount: (ctx: import("./context.js").DashboardContext, ui: DashboardUi) => PluginViews | PluginViews[] }} PluginModule
 */

/** Keys of a Worker whose plugin says nothing about them: plain KV keys, searched as typed. */
/** @type {KeyView} */
export const plainKeys = {
  kindOf: () => ({ kind: "other", label: "Key", help: "A KV key." }),
  pageOf: () => undefined,
  searchKey: (input) => input.trim() || undefined,
};

/** A link in the top bar's sections for each section the plugin added, before the Store's. */
function linkSections() {
  const store = document.querySelector('nav a[href="#store"]');
  for (const section of byId("plugin-views").querySelectorAll(":scope > section[id]")) {
    const title = section.querySelector("h2")?.textContent ?? section.id;
    store?.before(h("a", { href: `#${section.id}` }, title));
  }
}

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
  const views = [plugin.mount(ctx, ui)].flat();
  linkSections();
  return views;
}
