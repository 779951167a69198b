/**
 * @module harness/dashboard/store-browser
 * The store browser: KV keys under a prefix with cursor paging, one key's value, metadata and
 * expiration, search by key (or the id the Worker's plugin turns into one), and delete; key
 * kinds and the Worker's page for a key come from the plugin (`ctx.keys`).
 */
import { ApiError, call, kvPath, query } from "./api.js";
import { busy, buttonOf, byId, h } from "./dom.js";
import { formatDateTime, timeLeft } from "./format.js";

/**
 * @typedef {{ name: string, expiration?: number, metadata?: unknown }} ListedKey
 * @typedef {{ key: string, value: string, metadata: unknown, expiration?: number | null }} KvEntry
 */

/** @param {string} text */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * @param {number | undefined} expiration
 * @param {number} now
 */
function expiryCells(expiration, now) {
  const left = timeLeft(expiration, now);
  return [
    h("td", {}, expiration ? formatDateTime(expiration * 1000) : "–"),
    h(
      "td",
      { class: left.expired ? "expired" : "", dataset: { expiration: expiration ?? "" } },
      left.text,
    ),
  ];
}

/**
 * Update every time-left cell under `root` in place (re-rendering would steal keyboard focus).
 * @param {HTMLElement} root
 * @param {number} now
 */
function tickTimeLeft(root, now) {
  for (const cell of root.querySelectorAll("[data-expiration]")) {
    if (!(cell instanceof HTMLElement)) continue;
    const expiration = cell.dataset.expiration === "" ? undefined : Number(cell.dataset.expiration);
    const left = timeLeft(expiration, now);
    cell.textContent = left.text;
    cell.classList.toggle("expired", left.expired);
  }
}

/** @param {import("./context.js").DashboardContext} ctx */
export function createStoreBrowser(ctx) {
  const rows = byId("store-rows");
  const detail = byId("store-detail");
  const pageLabel = byId("store-page");
  const prev = byId("store-prev", HTMLButtonElement);
  const next = byId("store-next", HTMLButtonElement);
  // Cursors of the pages seen so far: KV only pages forward, so going back replays a cursor.
  /** @type {(string | undefined)[]} */
  let cursors = [undefined];
  let page = 0;
  /** @type {{ keys: ListedKey[], list_complete: boolean, cursor?: string }} */
  let listed = { keys: [], list_complete: true };
  /** @type {string | undefined} */
  let selected;

  const prefix = () => byId("store-prefix", HTMLInputElement).value;
  const limit = () => Number(byId("store-limit", HTMLSelectElement).value);

  function renderRows() {
    const now = ctx.virtualNow();
    if (listed.keys.length === 0) {
      rows.replaceChildren(
        h("tr", {}, h("td", { colspan: 5, class: "empty" }, `No keys under "${prefix()}".`)),
      );
    } else {
      rows.replaceChildren(
        ...listed.keys.map((key) => {
          const kind = ctx.keys.kindOf(key.name, key.metadata);
          return h(
            "tr",
            { dataset: { key: key.name }, class: key.name === selected ? "selected" : "" },
            h("td", { class: "mono key" }, key.name),
            h("td", {}, h("span", { class: `badge ${kind.kind}`, title: kind.help }, kind.label)),
            ...expiryCells(key.expiration, now),
            h(
              "td",
              { class: "actions" },
              h(
                "button",
                {
                  type: "button",
                  class: "small",
                  "aria-label": `View ${key.name}`,
                  onclick: () => show(key.name),
                },
                "View",
              ),
            ),
          );
        }),
      );
    }
    const first = page * limit() + 1;
    pageLabel.textContent =
      listed.keys.length === 0
        ? `Page ${page + 1}`
        : `Page ${page + 1} · keys ${first}–${first + listed.keys.length - 1}${listed.list_complete ? "" : " · more"}`;
    prev.disabled = page === 0;
    next.disabled = listed.list_complete;
  }

  async function load() {
    const { data } = await call(
      "GET",
      `/__harness/kv${query({ prefix: prefix(), limit: limit(), cursor: cursors[page] })}`,
    );
    listed = data;
    if (!data.list_complete && data.cursor) cursors[page + 1] = data.cursor;
    renderRows();
  }

  /** @param {KvEntry} entry */
  function renderDetail(entry) {
    const kind = ctx.keys.kindOf(entry.key, entry.metadata);
    const workerPage = ctx.keys.pageOf(entry.key);
    const left = timeLeft(entry.expiration ?? undefined, ctx.virtualNow());
    const confirmBox = h("div", { class: "confirm", hidden: true });
    const deleteButton = h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: () => {
          confirmBox.hidden = false;
          confirmBox.querySelector("button")?.focus();
        },
      },
      "Delete key",
    );
    confirmBox.append(
      h("span", {}, `Delete ${entry.key} from KV?`),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          onclick: (/** @type {Event} */ event) => busy(buttonOf(event), () => remove(entry.key)),
        },
        "Yes, delete",
      ),
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            confirmBox.hidden = true;
            deleteButton.focus();
          },
        },
        "Cancel",
      ),
    );
    const parts = [
      h("h3", { class: "mono" }, entry.key),
      h("p", {}, h("span", { class: `badge ${kind.kind}` }, kind.label), " ", kind.help),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Expires"),
        h("dd", {}, entry.expiration ? formatDateTime(entry.expiration * 1000) : "never"),
        h("dt", {}, "Time left"),
        h(
          "dd",
          {
            class: left.expired ? "expired" : "",
            "data-testid": "detail-time-left",
            dataset: { expiration: entry.expiration ?? "" },
          },
          left.text,
        ),
      ),
      workerPage
        ? h(
            "p",
            {},
            h(
              "a",
              { href: workerPage, target: "_blank", rel: "noopener" },
              `Open ${decodeURIComponent(workerPage)}`,
            ),
          )
        : undefined,
      h("h4", {}, "Value"),
      h("pre", { class: "code" }, pretty(entry.value)),
      h("h4", {}, "Metadata"),
      h(
        "pre",
        { class: "code" },
        entry.metadata === null ? "none" : JSON.stringify(entry.metadata, null, 2),
      ),
      h("div", { class: "button-row" }, deleteButton),
      confirmBox,
    ];
    detail.replaceChildren(...parts.filter((part) => part !== undefined));
  }

  /**
   * @param {string} key
   * @param {string} reason
   */
  function renderMissing(key, reason) {
    detail.replaceChildren(
      h("h3", { class: "mono" }, key),
      h("p", { class: "error", "data-testid": "detail-missing" }, reason),
    );
  }

  function markSelected() {
    for (const row of rows.querySelectorAll("tr[data-key]")) {
      if (!(row instanceof HTMLElement)) continue;
      row.classList.toggle("selected", row.dataset.key === selected);
    }
  }

  /** @param {string} key */
  async function show(key) {
    selected = key;
    markSelected();
    try {
      const { data } = await call("GET", kvPath(key));
      renderDetail(data);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        renderMissing(
          key,
          `No KV entry with this key: never written, deleted, or expired at ${formatDateTime(ctx.virtualNow())} (virtual).`,
        );
      } else throw err;
    }
  }

  /** @param {string} key */
  async function remove(key) {
    await call("DELETE", kvPath(key));
    ctx.status(`Deleted ${key}.`);
    selected = undefined;
    detail.replaceChildren(h("p", { class: "muted" }, `${key} was deleted.`));
    await ctx.changed();
  }

  byId("store-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    cursors = [undefined];
    page = 0;
    ctx.run(load);
  });
  byId("store-search").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = ctx.keys.searchKey(byId("store-id", HTMLInputElement).value);
    if (key) ctx.run(() => show(key));
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    ctx.run(load);
  });
  next.addEventListener("click", () => {
    page += 1;
    ctx.run(load);
  });

  return {
    /** Reload the current page (keys can expire or vanish) and the open key. */
    async refresh() {
      await load();
      if (selected) await show(selected);
    },
    /** Redraw time left from the virtual clock without asking the server. */
    tick() {
      tickTimeLeft(rows, ctx.virtualNow());
      tickTimeLeft(detail, ctx.virtualNow());
    },
  };
}
