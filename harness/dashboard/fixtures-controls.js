/**
 * @module harness/dashboard/fixtures-controls
 * Load a fixture and start/stop recording through the dev server's recorder routes
 * (`GET /__harness/fixtures`, `POST /__harness/fixtures/load`, `POST /__harness/record/start|stop`).
 * A dev server without them (e.g. one started from code without a recorder) gets disabled
 * buttons that say why.
 */
import { ApiError, call } from "./api.js";
import { busy, byId, h, showText } from "./dom.js";

/**
 * Fixture list answers as `[...]` or `{ fixtures: [...] }`, items as paths or `{ path }`.
 * @param {any} data
 * @returns {string[]}
 */
export function fixturePaths(data) {
  const items = Array.isArray(data) ? data : (data?.fixtures ?? data?.files ?? []);
  return items
    .map((/** @type {any} */ item) =>
      typeof item === "string" ? item : (item?.path ?? item?.file),
    )
    .filter((/** @type {unknown} */ path) => typeof path === "string");
}

/**
 * A default recording file name, e.g. `fixtures/recorded/session-2026-11-25T20-40-12.json`.
 * @param {number} nowMs
 */
export function recordingFile(nowMs) {
  const stamp = new Date(nowMs).toISOString().slice(0, 19).replace(/:/g, "-");
  return `fixtures/recorded/session-${stamp}.json`;
}

/** @param {import("./context.js").DashboardContext} ctx */
export function createFixturesControls(ctx) {
  const select = byId("fixture-select", HTMLSelectElement);
  const fileInput = byId("record-file", HTMLInputElement);
  const loadButton = byId("fixture-load", HTMLButtonElement);
  const startButton = byId("record-start", HTMLButtonElement);
  const stopButton = byId("record-stop", HTMLButtonElement);
  const result = byId("fixtures-result");

  /**
   * @param {HTMLElement} note
   * @param {(HTMLButtonElement | HTMLInputElement)[]} controls
   * @param {string} reason
   */
  function unavailable(note, controls, reason) {
    for (const control of controls) {
      control.disabled = true;
      control.title = reason;
    }
    showText(note, reason);
  }

  /** The fixture list, or undefined when this dev server has no recorder routes. */
  async function listFixtures() {
    try {
      return fixturePaths((await call("GET", "/__harness/fixtures")).data);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  loadButton.addEventListener("click", () =>
    ctx.run(() =>
      busy(loadButton, async () => {
        const { data } = await call("POST", "/__harness/fixtures/load", {
          body: { path: select.value },
        });
        const entries = data?.entries ?? data?.loaded;
        showText(
          result,
          `Loaded ${select.value}${typeof entries === "number" ? `: ${entries} KV entries` : ""}.` +
            (data?.description ? ` ${data.description}` : ""),
        );
        await ctx.changed();
      }),
    ),
  );
  startButton.addEventListener("click", () =>
    ctx.run(() =>
      busy(startButton, async () => {
        const file = fileInput.value.trim() || recordingFile(Date.now());
        await call("POST", "/__harness/record/start", { body: { file } });
        showText(result, `Recording every Worker request to ${file} until you stop.`);
      }),
    ),
  );
  stopButton.addEventListener("click", () =>
    ctx.run(() =>
      busy(stopButton, async () => {
        const { data } = await call("POST", "/__harness/record/stop", { body: {} });
        showText(
          result,
          `Recording stopped: ${data.requests} requests and ${data.entries} KV entries written to ${data.file}.`,
        );
        fileInput.value = recordingFile(Date.now());
      }),
    ),
  );

  return {
    /** Enable what this dev server offers. */
    async setup() {
      fileInput.value = recordingFile(Date.now());
      const paths = await listFixtures();
      if (paths === undefined) {
        const reason =
          "Unavailable: this dev server has no recorder (GET /__harness/fixtures answers 404). `npm run dev` has one.";
        select.disabled = true;
        unavailable(byId("fixtures-note"), [loadButton], reason);
        unavailable(byId("record-note"), [fileInput, startButton, stopButton], reason);
        return;
      }
      select.replaceChildren(...paths.map((path) => h("option", { value: path }, path)));
      if (paths.length === 0) {
        unavailable(byId("fixtures-note"), [loadButton], "No fixture files found under fixtures/.");
      }
    },
  };
}
