/**
 * @module harness/dashboard/controls-panel
 * Steering the harness: fault rules from presets, the virtual clock, restart, snapshot
 * export/import, fixtures and recording (a Worker's plugin may add its own cards).
 */
import { call } from "./api.js";
import { busy, buttonOf, byId, h, showText } from "./dom.js";
import { describeRule, FAULT_PRESETS, presetRules } from "./fault-presets.js";
import { formatDuration } from "./format.js";
import { describeRestart } from "./restart-report.js";
import { createFixturesControls } from "./fixtures-controls.js";

/** Count keys for the restart report; stop at a cap so a big store does not stall the page. */
const KEY_COUNT_CAP = 5000;

async function countKeys() {
  let keys = 0;
  /** @type {string | undefined} */
  let cursor;
  do {
    const suffix = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const { data } = await call("GET", `/__harness/kv?limit=1000${suffix}`);
    keys += data.keys.length;
    cursor = data.list_complete ? undefined : data.cursor;
  } while (cursor && keys < KEY_COUNT_CAP);
  return { keys, keysComplete: cursor === undefined };
}

/** @param {import("./context.js").DashboardContext} ctx */
export function createControlsPanel(ctx) {
  const ruleList = byId("fault-rules");
  /** @type {import("../types.js").FaultRule[] | undefined} */
  let rules;

  function renderRules() {
    if (!rules || rules.length === 0) {
      ruleList.replaceChildren(h("li", { class: "empty" }, "No fault rules: KV behaves normally."));
      return;
    }
    ruleList.replaceChildren(
      ...rules.map((rule) =>
        h(
          "li",
          { dataset: { ruleId: rule.id } },
          h("span", { class: "mono" }, describeRule(rule)),
          h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": `Remove rule ${describeRule(rule)}`,
              onclick: () => ctx.run(() => removeRule(rule.id ?? "")),
            },
            "Remove",
          ),
        ),
      ),
    );
  }

  /** @param {string} id */
  async function removeRule(id) {
    const { data } = await call("PUT", "/__harness/faults", {
      body: { rules: (rules ?? []).filter((r) => r.id !== id) },
    });
    rules = data.rules;
    renderRules();
    ctx.status("Fault rule removed.");
    byId("faults-clear").focus();
  }

  const presets = byId("fault-presets");
  for (const preset of FAULT_PRESETS) {
    presets.append(
      h(
        "button",
        {
          type: "button",
          title: preset.description,
          dataset: { preset: preset.id },
          onclick: (/** @type {Event} */ event) =>
            ctx.run(() =>
              busy(buttonOf(event), async () => {
                const scoped = byId("fault-scope", HTMLInputElement).checked
                  ? ctx.isolate
                  : undefined;
                for (const rule of presetRules(preset.id, scoped)) {
                  await call("POST", "/__harness/faults", { body: rule });
                }
                ctx.status(`Added "${preset.label}": ${preset.description.toLowerCase()}.`);
                await ctx.changed();
              }),
            ),
        },
        preset.label,
      ),
    );
  }
  byId("faults-clear").addEventListener("click", (event) =>
    ctx.run(() =>
      busy(buttonOf(event), async () => {
        await call("DELETE", "/__harness/faults");
        ctx.status("All fault rules cleared.");
        await ctx.changed();
      }),
    ),
  );

  for (const button of document.querySelectorAll("[data-advance]")) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.addEventListener("click", () =>
      ctx.run(() =>
        busy(button, async () => {
          const ms = Number(button.dataset.advance);
          await call("POST", "/__harness/clock/advance", { body: { ms } });
          ctx.status(`Virtual clock advanced by ${formatDuration(ms)}.`);
          await ctx.changed();
        }),
      ),
    );
  }

  async function restartView() {
    const [{ data: state }, keys] = await Promise.all([
      call("GET", "/__harness/state"),
      countKeys(),
    ]);
    // The Worker's memory as its plugin reports it; without one (or with KV down) the report
    // leaves it out.
    const worker = await ctx.workerMemory();
    return { ...keys, rules: state.rules.length, clock: state.clock, ...worker };
  }

  byId("restart").addEventListener("click", (event) =>
    ctx.run(() =>
      busy(buttonOf(event), async () => {
        const out = byId("restart-result");
        out.textContent = "Restarting…";
        const before = await restartView();
        const { data } = await call("POST", "/__harness/restart");
        const after = await restartView();
        const report = describeRestart(before, after, data.ms);
        out.replaceChildren(
          h("p", { class: "ok" }, `Restarted in ${report.took} (restart #${data.restarts}).`),
          h("p", {}, h("strong", {}, "Survived: "), report.survived.join(", ") || "nothing"),
          h("p", {}, h("strong", {}, "Lost: "), report.lost.join(", ") || "nothing"),
        );
        ctx.status(`Restarted in ${report.took}.`);
        await ctx.changed();
      }),
    ),
  );

  byId("snapshot-export").addEventListener("click", (event) =>
    ctx.run(() =>
      busy(buttonOf(event), async () => {
        const { data } = await call("GET", "/__harness/snapshot");
        const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
        const url = URL.createObjectURL(blob);
        const stamp = new Date(data.takenAt).toISOString().replace(/[:.]/g, "-");
        const link = h("a", { href: url, download: `kv-snapshot-${stamp}.json` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        showText(byId("snapshot-result"), `Exported ${data.entries.length} entries.`);
      }),
    ),
  );
  byId("snapshot-import").addEventListener("click", (event) =>
    ctx.run(() =>
      busy(buttonOf(event), async () => {
        const file = byId("snapshot-file", HTMLInputElement).files?.[0];
        if (!file) {
          showText(byId("snapshot-result"), "Pick a snapshot file first.");
          byId("snapshot-file").focus();
          return;
        }
        const replace = byId("snapshot-replace", HTMLInputElement).checked;
        const { data } = await call("PUT", `/__harness/snapshot?replace=${replace}`, {
          body: await file.text(),
          raw: true,
        });
        showText(
          byId("snapshot-result"),
          `Loaded ${data.loaded} entries (${data.replaced ? "store replaced" : "merged"}).`,
        );
        await ctx.changed();
      }),
    ),
  );

  const fixtures = createFixturesControls(ctx);

  return {
    /**
     * Show the rules from a fresh `/__harness/state`.
     * @param {{ rules: import("../types.js").FaultRule[] }} state
     */
    update(state) {
      const changed = JSON.stringify(state.rules) !== JSON.stringify(rules);
      rules = state.rules;
      if (changed) renderRules();
    },
    setup: () => fixtures.setup(),
  };
}
