/**
 * @module harness/dashboard/app
 * The dashboard's entry: builds the panels, polls the harness while "Live" is on, and refreshes
 * every panel after an action changes the harness.
 */
import { call, errorInfo } from "./api.js";
import { byId, h } from "./dom.js";
import { formatDateTime } from "./format.js";
import { createControlsPanel } from "./controls-panel.js";
import { createLogsPanel } from "./logs-panel.js";
import { mountPluginViews, plainKeys } from "./plugin-ui.js";
import { createStoreBrowser } from "./store-browser.js";

const POLL_MS = 2000;

const statusLine = byId("status");
/** @type {ReturnType<typeof setTimeout> | undefined} */
let statusTimer;

/** @type {import("./context.js").DashboardContext} */
const ctx = {
  isolate: 0,
  clock: { value: Date.now(), seenAt: Date.now() },
  /** The virtual clock now: the last value the harness reported plus real time since. */
  virtualNow() {
    return ctx.clock.value + (Date.now() - ctx.clock.seenAt);
  },
  status(message, kind = "ok") {
    statusLine.textContent = message;
    statusLine.className = `status ${kind}`;
    clearTimeout(statusTimer);
    if (kind === "ok") statusTimer = setTimeout(() => (statusLine.textContent = ""), 8000);
  },
  /** Run a user action; an error shows in the status line instead of vanishing in the console. */
  async run(action) {
    try {
      return await action();
    } catch (err) {
      const { status, code, message } = errorInfo(err);
      ctx.status(`${status ? `${status} ` : ""}${code ? `${code}: ` : ""}${message}`, "error");
      return undefined;
    }
  },
  /** Something changed the harness: refresh every panel now. */
  changed: () => refreshAll(),
  keys: plainKeys,
  workerMemory: async () => undefined,
};

const controls = createControlsPanel(ctx);
/** @type {import("./plugin-ui.js").PluginViews[]} */
let pluginViews = [];
const store = createStoreBrowser(ctx);
const logs = createLogsPanel(ctx);

/**
 * What the Worker's plugin reports (the share Worker's `backend kv`), each as `name value · `.
 * @param {Record<string, unknown> | undefined} plugin
 */
const pluginSummary = (plugin) =>
  Object.entries(plugin ?? {})
    .map(([name, value]) => `${name} ${value} · `)
    .join("");

/** @param {any} state `GET /__harness/state` */
function showState(state) {
  ctx.clock = { value: state.clock, seenAt: Date.now() };
  byId("clock-now").textContent = formatDateTime(state.clock);
  byId("clock-now").setAttribute("datetime", new Date(state.clock).toISOString());
  byId("harness-summary").textContent =
    `${pluginSummary(state.plugin)}profile ${state.profile} · ${state.isolates} isolate${state.isolates === 1 ? "" : "s"} · ${state.restarts} restart${state.restarts === 1 ? "" : "s"} · store ${state.persistTo}`;
  const select = byId("isolate-select", HTMLSelectElement);
  if (select.options.length !== state.isolates) {
    select.replaceChildren(
      ...Array.from({ length: state.isolates }, (_, i) => h("option", { value: i }, String(i))),
    );
    select.value = String(ctx.isolate);
  }
  controls.update(state);
}

async function pollState() {
  const { data } = await call("GET", "/__harness/state");
  showState(data);
  return data;
}

async function poll() {
  const state = await pollState();
  await Promise.all(pluginViews.map((view) => view.poll?.(state)));
  await logs.refresh();
  store.tick();
}

async function refreshAll() {
  const state = await pollState();
  await Promise.all([
    logs.refresh(),
    ...pluginViews.flatMap((view) => [view.poll?.(state), view.refresh?.(state)]),
    store.refresh(),
  ]);
}

let polling = false;
function schedule() {
  setTimeout(async () => {
    if (
      byId("live-toggle", HTMLInputElement).checked &&
      !polling &&
      document.visibilityState !== "hidden"
    ) {
      polling = true;
      try {
        await poll();
      } catch (err) {
        ctx.status(`Lost contact with the dev server: ${errorInfo(err).message}`, "error");
      } finally {
        polling = false;
      }
    }
    schedule();
  }, POLL_MS);
}

const isolateSelect = byId("isolate-select", HTMLSelectElement);
isolateSelect.addEventListener("change", () => {
  ctx.isolate = Number(isolateSelect.value);
  ctx.status(`This page now asks isolate ${ctx.isolate}.`);
  ctx.run(refreshAll);
});

async function start() {
  pluginViews = (await ctx.run(() => mountPluginViews(ctx))) ?? [];
  ctx.keys = pluginViews.find((view) => view.keys)?.keys ?? plainKeys;
  const memory = pluginViews.find((view) => view.workerMemory)?.workerMemory;
  if (memory) ctx.workerMemory = memory;
  if (ctx.keys.prefix !== undefined) byId("store-prefix", HTMLInputElement).value = ctx.keys.prefix;
  if (ctx.keys.searchLabel) byId("store-id-label").textContent = ctx.keys.searchLabel;
  if (ctx.keys.searchHint) byId("store-id", HTMLInputElement).placeholder = ctx.keys.searchHint;
  await Promise.all([ctx.run(() => controls.setup()), ctx.run(refreshAll)]);
  document.body.dataset.ready = "true";
  schedule();
}

ctx.run(start);
