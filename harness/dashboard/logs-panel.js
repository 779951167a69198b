/**
 * @module harness/dashboard/logs-panel
 * The Worker's structured log lines (`GET /__harness/logs`), newest first, filtered by op and
 * outcome on the server. The filters offer the ops and outcomes this Worker's lines have used.
 */
import { call, query } from "./api.js";
import { byId, h } from "./dom.js";
import { formatDateTime } from "./format.js";

const LIMIT = 200;

/** Fields already shown in their own columns. */
const COLUMNS = new Set(["op", "outcome", "key", "ms", "level"]);

/**
 * The rest of a line: storage details (attempt, count, error) and events (code, message).
 * @param {Record<string, unknown>} json
 */
export function detailOf(json) {
  return Object.entries(json)
    .filter(([name]) => !COLUMNS.has(name))
    .map(([name, value]) =>
      name === "event" || name === "error" || name === "message" || name === "backend"
        ? String(value)
        : `${name} ${typeof value === "string" ? value : JSON.stringify(value)}`,
    )
    .join(" · ");
}

/** @param {{ at: number, text: string, json?: Record<string, unknown> }} line */
function row(line) {
  const json = line.json ?? {};
  const outcome = json.outcome === undefined ? "" : String(json.outcome);
  return h(
    "tr",
    { class: json.level === "error" || outcome === "error" ? "log-error" : "" },
    h("td", { class: "mono nowrap" }, formatDateTime(line.at).slice(11, 19)),
    h(
      "td",
      {},
      json.op === undefined ? (json.event === undefined ? "–" : "event") : String(json.op),
    ),
    h(
      "td",
      {},
      outcome
        ? h("span", { class: `badge outcome-${outcome.replace(/[^a-z_]/g, "")}` }, outcome)
        : "–",
    ),
    h("td", { class: "mono key" }, json.key === undefined ? "" : String(json.key)),
    h("td", { class: "num" }, json.ms === undefined ? "" : String(json.ms)),
    h("td", { class: "detail-cell" }, line.json ? detailOf(json) : line.text),
  );
}

/**
 * Offer `values` (and "any") in a filter, keeping what is picked.
 * @param {HTMLSelectElement} select
 * @param {Set<string>} values
 */
function offer(select, values) {
  const wanted = [...values].sort();
  const shown = [...select.options].slice(1).map((o) => o.value);
  if (JSON.stringify(shown) === JSON.stringify(wanted)) return;
  const picked = select.value;
  select.replaceChildren(
    h("option", { value: "" }, "any"),
    ...wanted.map((value) => h("option", { value }, value)),
  );
  select.value = picked;
}

/** @param {import("./context.js").DashboardContext} ctx */
export function createLogsPanel(ctx) {
  const rows = byId("log-rows");
  /** Ops and outcomes seen in this Worker's lines. */
  /** @type {{ op: Set<string>, outcome: Set<string> }} */
  const seen = { op: new Set(), outcome: new Set() };

  /** @param {{ json?: Record<string, unknown> }[]} lines */
  function learn(lines) {
    for (const { json } of lines) {
      if (json?.op !== undefined) seen.op.add(String(json.op));
      if (json?.outcome !== undefined) seen.outcome.add(String(json.outcome));
    }
    offer(byId("logs-op", HTMLSelectElement), seen.op);
    offer(byId("logs-outcome", HTMLSelectElement), seen.outcome);
  }

  async function refresh() {
    const op = byId("logs-op", HTMLSelectElement).value;
    const outcome = byId("logs-outcome", HTMLSelectElement).value;
    const { data } = await call("GET", `/__harness/logs${query({ op, outcome, limit: LIMIT })}`);
    const lines = [...data.lines].reverse();
    learn(lines);
    rows.replaceChildren(
      ...(lines.length > 0
        ? lines.map(row)
        : [h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No log lines match."))]),
    );
  }

  byId("logs-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.run(refresh);
  });
  for (const id of ["logs-op", "logs-outcome"]) {
    byId(id).addEventListener("change", () => ctx.run(refresh));
  }
  byId("logs-clear").addEventListener("click", () =>
    ctx.run(async () => {
      await call("DELETE", "/__harness/logs");
      ctx.status("Logs cleared.");
      await refresh();
    }),
  );
  return { refresh };
}
