/**
 * @module harness/dashboard/dom
 * A tiny element builder. Text always goes in as text nodes, never as HTML, so prompts, keys and
 * values from the store cannot inject markup into the dashboard.
 */

/** @typedef {Node | string | undefined | null | false} Child */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs] attributes; `on<event>` functions become listeners,
 *   `dataset` an object of data attributes; `undefined`, `null` and `false` are left out
 * @param {(Child | Child[])[]} children
 * @returns {HTMLElementTagNameMap[K]}
 * @example h("button", { type: "button", onclick: save }, "Save")
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  el.append(
    ...children
      .flat()
      .filter(
        /** @returns {c is Node | string} */ (c) => c !== undefined && c !== null && c !== false,
      ),
  );
  return el;
}

/**
 * The element with this id, of this type; throws so a renamed id (or a changed element) fails
 * loudly rather than silently.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {{ new (): T, prototype: T }} [type] e.g. `HTMLInputElement`
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard: no element #${id}`);
  const want = type ?? HTMLElement;
  if (!(el instanceof want)) throw new Error(`dashboard: #${id} is not a ${want.name}`);
  return /** @type {T} */ (el);
}

/**
 * The button an event was registered on.
 * @param {Event} event
 */
export function buttonOf(event) {
  const el = event.currentTarget;
  if (!(el instanceof HTMLButtonElement)) throw new Error("dashboard: event not on a button");
  return el;
}

/**
 * Show `message` in an element (hidden when empty).
 * @param {HTMLElement} el
 * @param {string | undefined} message
 */
export function showText(el, message) {
  el.textContent = message ?? "";
  el.hidden = !message;
}

/**
 * Run `action` with `button` disabled meanwhile, so a double click does not send twice.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {() => Promise<T>} action
 * @returns {Promise<T>}
 */
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
