/**
 * @module harness/share/dashboard/try-create
 * The share Worker's card in the dashboard's Controls: a test `POST /api/share` through the dev
 * server on the selected isolate, as the app would send it, with the status and id it answered.
 */

/**
 * Adds the "Try the share API" card to the Controls (`#plugin-controls`).
 * @param {import("../../dashboard/context.js").DashboardContext} ctx
 * @param {import("../../dashboard/plugin-ui.js").DashboardUi} ui
 * @returns {import("../../dashboard/plugin-ui.js").PluginViews}
 */
export function mountTryCreate(ctx, { busy, byId, h }) {
  const prompt = h("input", {
    id: "try-prompt",
    name: "prompt",
    value: "a lighthouse at dusk, test share",
    required: true,
    maxlength: 2000,
  });
  const style = h("input", {
    id: "try-style",
    name: "style",
    value: "watercolor",
    required: true,
    pattern: "[a-z0-9][a-z0-9_\\-]{0,31}",
  });
  const button = h("button", { type: "submit" }, "Create a share");
  const result = h("p", {
    id: "try-result",
    class: "result",
    dataset: { testid: "try-result" },
    "aria-live": "polite",
  });
  const form = h(
    "form",
    { id: "try-create", class: "stack" },
    h("label", { for: "try-prompt" }, "Prompt"),
    prompt,
    h("label", { for: "try-style" }, "Style"),
    style,
    button,
  );
  byId("plugin-controls").append(
    h(
      "article",
      { class: "card", "aria-labelledby": "try-title" },
      h("h3", { id: "try-title" }, "Try the share API"),
      h(
        "p",
        { class: "muted" },
        "Sends ",
        h("code", {}, "POST /api/share"),
        " through the dev server, like the app would.",
      ),
      form,
      result,
    ),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.run(() =>
      busy(button, async () => {
        const n = Date.now() % 100000;
        const body = {
          generatedUrl: `https://images.example.com/generated/${n}.png`,
          originalUrl: `https://images.example.com/original/${n}.png`,
          prompt: prompt.value,
          style: style.value,
        };
        result.textContent = "Sending…";
        result.className = "result";
        const response = await fetch("/api/share", {
          method: "POST",
          headers: { "content-type": "application/json", "x-harness-isolate": String(ctx.isolate) },
          body: JSON.stringify(body),
        });
        const data = await response.json().catch(() => ({}));
        const ok = response.status < 300;
        result.className = `result ${ok ? "ok" : "fail"}`;
        result.textContent = ok
          ? `${response.status}: created ${data.id}${data.durability ? ` (${data.durability})` : ""}`
          : `${response.status} ${data.error?.code ?? ""}: ${data.error?.message ?? response.statusText}`;
        if (ok) result.dataset.id = data.id;
        await ctx.changed();
      }),
    );
  });
  return {};
}
