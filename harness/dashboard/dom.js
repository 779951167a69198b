/**
 * @module harness/dashboard/dom
 * A tiny element builder. Text always goes in as text nodes, never as HTML, so prompts, keys and
 * values from the store cannot inject markup into the dashboard.
 */

/**
 * @example h("button", { type: "button", onclick: save }, "Save")
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** The element with this id; throws so a renamed id fails loudly rather than silently. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard: no element #${id}`);
  return el;
}

/** Show `message` in an element (hidden when empty). */
export function showText(el, message) {
  el.textContent = message ?? "";
  el.hidden = !message;
}

/** Run `action` with `button` disabled meanwhile, so a double click does not send twice. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
