/**
 * @module harness/dashboard/monitoring-panel
 * The Worker's `/api/monitoring` figures for the selected isolate, with charts of KV latency and
 * error rate over the last minutes, plus the harness's own fault counters.
 */
import { call, errorInfo } from "./api.js";
import { byId, h, showText } from "./dom.js";
import { chartGeometry, renderChart } from "./chart.js";
import { formatDuration, formatMs, formatPercent } from "./format.js";
import { createHistory } from "./monitor-history.js";

export const HISTORY_MS = 5 * 60_000;
const WIDTH = 560;
const HEIGHT = 120;
const LATENCY_SERIES = /** @type {const} */ ([
  { name: "get", color: "#2563eb" },
  { name: "put", color: "#d97706" },
  { name: "list", color: "#059669" },
]);
const ERROR_COLOR = "#dc2626";

/**
 * @param {string} label
 * @param {string} value
 * @param {string} [hint]
 */
function stat(label, value, hint) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", { title: hint }, value));
}

/**
 * @param {HTMLElement} el
 * @param {[name: string, color: string, value: string][]} entries
 */
function legend(el, entries) {
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

/** @param {import("./context.js").DashboardContext} ctx */
export function createMonitoringPanel(ctx) {
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
      byId("latency-legend"),
      LATENCY_SERIES.map((s) => [s.name, s.color, formatMs(last?.[s.name] ?? NaN)]),
    );
    const lastRate = points.filter((p) => p.errorRate !== null).at(-1);
    legend(byId("error-legend"), [
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
        "Shares",
        String(m.shares.total),
        `legacy ${m.shares.legacy}, pending ${m.shares.pending}${m.shares.stale ? " (stale: KV unreachable)" : ""}`,
      ),
      stat("Legacy shares", String(m.shares.legacy)),
      stat(
        "Cache hit rate",
        formatPercent(m.cache.hitRate),
        `${m.cache.hits} hits, ${m.cache.misses} misses`,
      ),
      stat("Cache entries", `${m.cache.size} / ${m.cache.maxSize}`),
      stat("KV reads", String(m.kv.reads)),
      stat("KV writes", String(m.kv.writes)),
      stat(
        "KV errors",
        `${m.kv.errors} (${formatPercent(m.kv.errorRate)})`,
        "since this isolate started",
      ),
      stat("Retries / fallbacks", `${m.kv.retries} / ${m.kv.fallbacks}`),
      stat("Pending writes", String(m.kv.pendingWrites)),
      stat("get p50 / p95", `${formatMs(m.latencyMs.get.p50)} / ${formatMs(m.latencyMs.get.p95)}`),
      stat("put p50 / p95", `${formatMs(m.latencyMs.put.p50)} / ${formatMs(m.latencyMs.put.p95)}`),
      stat(
        "Injected faults",
        String(counters?.faults ?? "–"),
        "KV operations failed by a fault rule (harness counter)",
      ),
    );
  }

  return {
    /**
     * One poll: never throws, a failure shows in the panel and as a gap in the charts.
     * @param {{ faults?: number } | undefined} counters
     */
    async poll(counters) {
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
  };
}
