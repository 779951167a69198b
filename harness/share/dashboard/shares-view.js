/**
 * @module harness/share/dashboard/shares-view
 * The share Worker's views on the dev dashboard (its plugin's `dashboard.entry`): the Monitoring
 * section (`monitoring-view.js`), a test create in the Controls (`try-create.js`) and the shares
 * as the Worker lists them (`GET /api/shares` on the selected isolate): thumbnail, prompt, style,
 * created time and a link to the share page. Served as `/__harness/ui/plugin/shares-view.js`; it
 * imports only its own folder: the page hands it its helpers (`ui`, `harness/dashboard/plugin-ui.js`).
 * Also how the store browser names the share Worker's keys (`keys`, from `key-kind.js`).
 */
import { shareKeys } from "./key-kind.js";
import { mountMonitoring } from "./monitoring-view.js";
import { mountTryCreate } from "./try-create.js";

const PAGE_SIZE = 12;

/**
 * @typedef {{ id: string, generatedUrl: string, prompt: string, style: string,
 *   isR2Stored: boolean, createdAt: string, timestamp: number }} Share
 */

/**
 * The share page's image: the R2 copy (read in-process, so recordings skip it) when there is
 * one, else the generator's URL.
 * @param {Share} share
 */
export function thumbnailSrc(share) {
  return share.isR2Stored
    ? `/__harness/ui/images/${encodeURIComponent(share.id)}`
    : share.generatedUrl;
}

/**
 * @param {Share} share
 * @param {import("../../dashboard/plugin-ui.js").DashboardUi} ui
 */
function card(share, { h, formatDateTime }) {
  const img = h("img", {
    src: thumbnailSrc(share),
    alt: "",
    loading: "lazy",
    decoding: "async",
    referrerpolicy: "no-referrer",
    width: 320,
    height: 200,
  });
  const figure = h("div", { class: "thumb" }, img);
  img.addEventListener("error", () => {
    // An R2 copy that is missing (e.g. seeded data) falls back to the generator's URL once.
    if (share.isR2Stored && img.getAttribute("src") !== share.generatedUrl) {
      img.setAttribute("src", share.generatedUrl);
      return;
    }
    figure.replaceChildren(h("span", { class: "no-image" }, share.style));
  });
  return h(
    "li",
    { class: "share-card", dataset: { id: share.id } },
    figure,
    h(
      "div",
      { class: "share-body" },
      h("p", { class: "prompt", title: share.prompt }, share.prompt),
      h(
        "p",
        { class: "share-meta" },
        h("span", { class: "badge style" }, share.style),
        share.isR2Stored ? h("span", { class: "badge r2" }, "R2 copy") : undefined,
      ),
      h(
        "p",
        { class: "muted small" },
        h("time", { datetime: share.createdAt }, formatDateTime(share.timestamp)),
      ),
      h(
        "a",
        {
          href: `/s/${encodeURIComponent(share.id)}`,
          target: "_blank",
          rel: "noopener",
          class: "share-link",
        },
        `/s/${share.id}`,
      ),
    ),
  );
}

/**
 * Every view of the share Worker, in page order, and its styles.
 * @param {import("../../dashboard/context.js").DashboardContext} ctx
 * @param {import("../../dashboard/plugin-ui.js").DashboardUi} ui
 * @returns {import("../../dashboard/plugin-ui.js").PluginViews[]}
 */
export function mount(ctx, ui) {
  ui.stylesheet(new URL("./share-views.css", import.meta.url).href);
  return [mountTryCreate(ctx, ui), mountMonitoring(ctx, ui), mountShares(ctx, ui)];
}

/**
 * The Shares section, placed in `#plugin-views`.
 * @param {import("../../dashboard/context.js").DashboardContext} ctx
 * @param {import("../../dashboard/plugin-ui.js").DashboardUi} ui
 * @returns {import("../../dashboard/plugin-ui.js").PluginViews}
 */
function mountShares(ctx, ui) {
  const { call, errorInfo, query, byId, h, showText } = ui;
  byId("plugin-views").append(
    h(
      "section",
      { id: "shares", "aria-labelledby": "shares-title" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "shares-title" }, "Shares"),
        h(
          "div",
          { class: "button-row" },
          h("button", { type: "button", id: "shares-refresh" }, "Refresh"),
          h("button", { type: "button", id: "shares-more", hidden: true }, "Load more"),
        ),
      ),
      h("p", { id: "shares-error", class: "error", role: "alert", hidden: true }),
      h("ul", { id: "share-grid", class: "share-grid", dataset: { testid: "share-grid" } }),
    ),
  );
  const grid = byId("share-grid");
  const more = byId("shares-more");
  const error = byId("shares-error");
  /** @type {string | null} */
  let cursor = null;

  /**
   * @param {string | undefined} after
   * @returns {Promise<HTMLElement[]>}
   */
  async function fetchPage(after) {
    const { data } = await call(
      "GET",
      `/__harness/ui/api/shares${query({ limit: PAGE_SIZE, cursor: after })}`,
      {
        isolate: ctx.isolate,
      },
    );
    cursor = data.cursor;
    more.hidden = !cursor;
    return data.shares.map((/** @type {Share} */ share) => card(share, ui));
  }

  async function refresh() {
    try {
      const cards = await fetchPage(undefined);
      showText(error, "");
      grid.replaceChildren(
        ...(cards.length > 0
          ? cards
          : [h("li", { class: "empty" }, "No shares (none created, or all expired).")]),
      );
    } catch (err) {
      const { status, message } = errorInfo(err);
      showText(error, `The Worker could not list shares: ${status ? `${status} ` : ""}${message}`);
    }
  }

  byId("shares-refresh").addEventListener("click", () => ctx.run(refresh));
  more.addEventListener("click", () =>
    ctx.run(async () => {
      if (cursor) grid.append(...(await fetchPage(cursor)));
    }),
  );
  return { refresh, keys: shareKeys };
}
