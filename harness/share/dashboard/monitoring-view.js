/**
 * @module harness/share/dashboard/monitoring-view
 * The share Worker's Monitoring section: its `/api/monitoring` figures for the selected isolate,
 * with charts of KV latency and error rate over the last minutes, plus the harness's own fault
 * counters. Also what the restart report says of the Worker's memory (its cache, its start).
 */
import { createHistory } from "./monitor-history.js";

const HISTORY_MS = 5 * 60_000;
const WIDTH = 560;
const HEIGHT = 120;
const LATENCY_SERIES = /** @type {const} */ ([
  { name: "get", color: "#2563eb" },
  { name: "put", color: "#d97706" },
  { name: "list", color: "#059669" },
]);
const ERROR_COLOR = "#dc2626";

/** @typedef {import("../../dashboard/plugin-ui.js").DashboardUi} DashboardUi */

/**
 * @param {DashboardUi["h"]} h
 * @param {string} label
 * @param {string} value
 * @param {string} [hint]
 */
function stat(h, label, value, hint) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", { title: hint }, value));
}

/**
 * @param {DashboardUi["h"]} h
 * @param {HTMLElement} el
 * @param {[name: string, color: string, value: string][]} entries
 */
function legend(h, el, entries) {
  el.replaceChildren(
    ...entries.map(([name, color, value]) =>
      h("li", {}, h("span", { class: "swatch", dataset: { color } }), `${name}: ${value}`),
    ),
  );
  // Colours are set from script (not inline styles), which the page's CSP allows.
  for (const swatch of el.querySelectorAll("span")) {
    if (swatch.dataset.color) swatch.style.setProperty("background", swatch.dataset.color);
  }
}

/**
 * The Monitoring section, placed in `#plugin-views`.
 * @param {import("../../dashboard/context.js").DashboardContext} ctx
 * @param {DashboardUi} ui
 * @returns {import("../../dashboard/plugin-ui.js").PluginViews}
 */
export function mountMonitoring(ctx, ui) {
  const { call, errorInfo, byId, h, showText } = ui;
  const { chartGeometry, renderChart, formatDuration, formatMs, formatPercent } = ui;
  byId("plugin-views").append(
    h(
      "section",
      { id: "monitoring", "aria-labelledby": "monitoring-title" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "monitoring-title" }, "Monitoring"),
        h("p", { class: "muted", id: "monitoring-source" }, "GET /api/monitoring"),
      ),
      h("p", { id: "monitoring-error", class: "error", role: "alert", hidden: true }),
      h("dl", { class: "stats", id: "monitoring-stats" }),
      h(
        "div",
        { class: "charts" },
        chartCard(h, "latency", "KV latency (ms, p95 per poll)"),
        chartCard(h, "error", "KV error rate (share of operations per poll)"),
      ),
    ),
  );
  const stats = byId("monitoring-stats");
  const error = byId("monitoring-error");
  let history = createHistory(HISTORY_MS);
  let historyIsolate = ctx.isolate;

  function draw() {
    const points = history.points();
    const to = Date.now();
    // The x axis grows with the data, from one minute up to the whole window.
    const first = points[0]?.at ?? to;
    const from = to - Math.min(HISTORY_MS, Math.max(60_000, to - first));
    for (const span of document.querySelectorAll(".chart-span")) {
      span.textContent = `· last ${formatDuration(to - from)}`;
    }
    const latency = chartGeometry({
      series: LATENCY_SERIES.map((s) => ({
        name: s.name,
        points: points.map((p) => ({ at: p.at, v: p[s.name] })),
      })),
      from,
      to,
      width: WIDTH,
      height: HEIGHT,
      minYMax: 10,
    });
    renderChart(byId("latency-chart"), latency, {
      width: WIDTH,
      height: HEIGHT,
      colors: LATENCY_SERIES.map((s) => s.color),
      label: "KV latency p95 per poll over the last 5 minutes",
      formatY: (v) => `${Math.round(v)}`,
    });
    const errors = chartGeometry({
      series: [{ name: "errors", points: points.map((p) => ({ at: p.at, v: p.errorRate })) }],
      from,
      to,
      width: WIDTH,
      height: HEIGHT,
      yMax: 1,
    });
    renderChart(byId("error-chart"), errors, {
      width: WIDTH,
      height: HEIGHT,
      colors: [ERROR_COLOR],
      label: "KV error rate per poll over the last 5 minutes",
      formatY: (v) => `${Math.round(v * 100)}%`,
    });
    const last = points.filter((p) => p.get !== null).at(-1);
    legend(
      h,
      byId("latency-legend"),
      LATENCY_SERIES.map((s) => [s.name, s.color, formatMs(last?.[s.name] ?? NaN)]),
    );
    const lastRate = points.filter((p) => p.errorRate !== null).at(-1);
    legend(h, byId("error-legend"), [
      [
        "last poll",
        ERROR_COLOR,
        lastRate?.errorRate != null
          ? `${formatPercent(lastRate.errorRate)} of ${lastRate.ops + lastRate.errors} ops`
          : "–",
      ],
    ]);
  }

  /**
   * @param {any} m `GET /api/monitoring`
   * @param {{ faults?: number } | undefined} counters the harness's counters for this isolate
   */
  function render(m, counters) {
    stats.replaceChildren(
      stat(
        h,
        "Shares",
        String(m.shares.total),
        `legacy ${m.shares.legacy}, pending ${m.shares.pending}${m.shares.stale ? " (stale: KV unreachable)" : ""}`,
      ),
      stat(h, "Legacy shares", String(m.shares.legacy)),
      stat(
        h,
        "Cache hit rate",
        formatPercent(m.cache.hitRate),
        `${m.cache.hits} hits, ${m.cache.misses} misses`,
      ),
      stat(h, "Cache entries", `${m.cache.size} / ${m.cache.maxSize}`),
      stat(h, "KV reads", String(m.kv.reads)),
      stat(h, "KV writes", String(m.kv.writes)),
      stat(
        h,
        "KV errors",
        `${m.kv.errors} (${formatPercent(m.kv.errorRate)})`,
        "since this isolate started",
      ),
      stat(h, "Retries / fallbacks", `${m.kv.retries} / ${m.kv.fallbacks}`),
      stat(h, "Pending writes", String(m.kv.pendingWrites)),
      stat(
        h,
        "get p50 / p95",
        `${formatMs(m.latencyMs.get.p50)} / ${formatMs(m.latencyMs.get.p95)}`,
      ),
      stat(
        h,
        "put p50 / p95",
        `${formatMs(m.latencyMs.put.p50)} / ${formatMs(m.latencyMs.put.p95)}`,
      ),
      stat(
        h,
        "Injected faults",
        String(counters?.faults ?? "–"),
        "KV operations failed by a fault rule (harness counter)",
      ),
    );
  }

  return {
    /**
     * One poll: never throws, a failure shows in the panel and as a gap in the charts.
     * @param {any} state `GET /__harness/state`
     */
    async poll(state) {
      /** @type {{ faults?: number } | undefined} */
      const counters = state.counters.isolates[ctx.isolate];
      if (historyIsolate !== ctx.isolate) {
        history = createHistory(HISTORY_MS);
        historyIsolate = ctx.isolate;
      }
      byId("monitoring-source").textContent = `GET /api/monitoring on isolate ${ctx.isolate}`;
      try {
        const { data } = await call("GET", "/__harness/ui/api/monitoring", {
          isolate: ctx.isolate,
        });
        history.push(Date.now(), data);
        render(data, counters);
        showText(
          error,
          data.shares.stale ? "KV is unreachable: share counts are the last known ones." : "",
        );
      } catch (err) {
        history.gap(Date.now());
        const { status, message } = errorInfo(err);
        showText(error, `Monitoring failed: ${status ? `${status} ` : ""}${message}`);
      }
      draw();
    },
    /** The Worker's in-memory cache and when its isolate started; nothing while KV is down. */
    async workerMemory() {
      try {
        const { data } = await call("GET", "/__harness/ui/api/monitoring", {
          isolate: ctx.isolate,
        });
        return { cacheSize: data.cache.size, isolateStartedAt: data.isolateStartedAt };
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * @param {DashboardUi["h"]} h
 * @param {"latency" | "error"} name
 * @param {string} caption
 */
function chartCard(h, name, caption) {
  return h(
    "figure",
    { class: "chart-card" },
    h("figcaption", {}, `${caption} `, h("span", { class: "muted chart-span" })),
    h("div", { id: `${name}-chart`, class: "chart" }),
    h("ul", { class: "legend", id: `${name}-legend` }),
  );
}
