/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a real dev
 * server (harness persisted to a temp dir, ephemeral port). Screenshots go to reports/dashboard/.
 * Skips, saying why, where /usr/bin/chromium is not installed (`.ci/run` installs it); with
 * `CI=true` a missing Chromium fails instead, so a CI image without one cannot pass unseen.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createShareHarness } from "../share/index.js";
import { type DevServer, startDevServer } from "../server/dev-server.js";
import { SessionRecorder } from "../../fixtures/record/recorder.js";
import {
  HAS_CHROMIUM,
  openOneOriginPage,
  requireChromiumInCi,
  type OneOriginPage,
  SKIP_REASON,
} from "../test-support/chromium.js";
import type { Harness, KvSnapshot } from "../types.js";

const SHOTS = join(process.cwd(), "reports", "dashboard");
const DAY_MS = 24 * 60 * 60 * 1000;

interface FocusProbe {
  document: { activeElement: { tagName: string; textContent: string | null; id: string } | null };
}

if (!HAS_CHROMIUM) console.warn(`dashboard browser tests ${SKIP_REASON}`);

requireChromiumInCi("dashboard in Chromium");

let harness: Harness;
let server: DevServer;
let browser: OneOriginPage;
let page: Page;
const dirs: string[] = [];
/** Requests the browser tried to send anywhere but the dev server (all are aborted). */
const external: { url: string; type: string }[] = [];

async function createShare(prompt: string, style = "watercolor") {
  const n = Math.floor(Math.random() * 1e6);
  const res = await fetch(`${server.url}/api/share`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      generatedUrl: `https://images.example.com/generated/${n}.png`,
      originalUrl: `https://images.example.com/original/${n}.png`,
      prompt,
      style,
    }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { id: string; error?: { code: string } },
  };
}

async function openDashboard(): Promise<void> {
  await page.goto(`${server.url}/__harness/`);
  await page.locator("body[data-ready=true]").waitFor();
}

const shot = (name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const storeRow = (id: string) => page.locator(`#store-rows tr[data-key="share:${id}"]`);
const shareCard = (id: string) => page.locator(`#share-grid li[data-id="${id}"]`);

describe.skipIf(!HAS_CHROMIUM)(
  `dashboard in Chromium${HAS_CHROMIUM ? "" : ` (${SKIP_REASON})`}`,
  () => {
    beforeAll(async () => {
      const persistTo = await mkdtemp(join(tmpdir(), "dashboard-kv-"));
      dirs.push(persistTo);
      await mkdir(SHOTS, { recursive: true });
      harness = await createShareHarness({
        persistTo,
        isolates: 2,
        // One attempt: a faulted create answers 503 at once instead of after backoff.
        vars: { KV_RETRY_MAX_ATTEMPTS: "1", KV_RETRY_BASE_MS: "1" },
      });
      // As `npm run dev` does: the recorder serves the fixture and recording routes (fixtures/).
      server = await startDevServer({
        harness,
        port: 0,
        recorder: new SessionRecorder({ harness }),
      });
      browser = await openOneOriginPage(new URL(server.url).origin, (request) =>
        external.push({ url: request.url(), type: request.resourceType() }),
      );
      page = browser.page;
    });

    // Each test starts from an empty store with no fault rules, whatever ran before it.
    beforeEach(async () => {
      await harness.reset();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await harness?.dispose();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it("adds KV down, sees a create fail, clears it, restarts, and sees a share expire after 30 days", async () => {
      const created = await createShare("a lighthouse at dusk, before the outage");
      expect(created.status).toBe(201);
      const { id } = created.body;

      await openDashboard();
      await storeRow(id).waitFor();
      await shareCard(id).waitFor();
      expect(await storeRow(id).locator("td").nth(3).textContent()).toMatch(/^(29 d 23 h|30 d)$/);
      await shot("1-loaded");
      // The log filters offer what the Worker's lines say: the create's put and its outcome.
      expect(await page.locator("#logs-op option").allTextContents()).toEqual(
        expect.arrayContaining(["any", "put"]),
      );
      expect(await page.locator("#logs-outcome option").allTextContents()).toContain("ok");
      await page.getByLabel("Op", { exact: true }).selectOption("put");
      const opCells = page.locator("#log-rows tr td:nth-child(2)");
      // Filtered on the server: every other op's rows go, the create's put stays.
      await opCells.filter({ hasNotText: /^put$/ }).first().waitFor({ state: "detached" });
      expect(await opCells.filter({ hasText: /^put$/ }).count()).toBeGreaterThan(0);
      await page.getByLabel("Op", { exact: true }).selectOption("");

      await page.getByRole("button", { name: "KV down", exact: true }).click();
      await page.locator("#fault-rules li", { hasText: "any → error 503" }).waitFor();
      const duringOutage = await createShare("created while KV is down");
      expect(duringOutage.status).toBe(503);
      expect(duringOutage.body.error?.code).toBe("storage_unavailable");
      await page.getByRole("button", { name: "Create a share" }).click();
      await page
        .getByTestId("try-result")
        .filter({ hasText: /^503 storage_unavailable/ })
        .waitFor();
      await shot("2-kv-down");

      await page.getByRole("button", { name: "Clear all rules" }).click();
      await page.locator("#fault-rules li", { hasText: "No fault rules" }).waitFor();
      await page.getByRole("button", { name: "Create a share" }).click();
      await page
        .getByTestId("try-result")
        .filter({ hasText: /^201: created / })
        .waitFor();

      const { restarts } = await harness.state();
      await page.getByRole("button", { name: "Restart the runtime" }).click();
      const report = page.getByTestId("restart-result");
      await report.filter({ hasText: "Restarted in" }).waitFor();
      expect(await report.textContent()).toContain(
        "Survived: 2 KV keys, 0 fault rules, the virtual clock",
      );
      expect((await harness.state()).restarts).toBe(restarts + 1);
      await shot("3-restarted");

      const before = harness.clock.now();
      await page.getByRole("button", { name: "+30 days" }).click();
      await storeRow(id).waitFor({ state: "detached" });
      await page.locator("#share-grid li.empty", { hasText: "No shares" }).waitFor();
      expect(harness.clock.now() - before).toBeGreaterThanOrEqual(30 * DAY_MS);
      expect(await shareCard(id).count()).toBe(0);
      await page.getByLabel("Share id or key").fill(id);
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByTestId("detail-missing").filter({ hasText: "No KV entry" }).waitFor();
      await shot("4-expired");
    });

    it("reaches every control by keyboard and only ever fetches its own files", async () => {
      await openDashboard();
      const reached: string[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        reached.push(
          await page.evaluate(() => {
            // Runs in the page: the Node typings have no DOM, so name just what is read.
            const el = (globalThis as unknown as FocusProbe).document.activeElement;
            return el ? `${el.tagName}:${(el.textContent ?? "").trim() || el.id}` : "";
          }),
        );
      }
      const order = [
        "BUTTON:KV down",
        "BUTTON:+30 days",
        "BUTTON:Restart the runtime",
        "BUTTON:Export snapshot",
      ];
      const positions = order.map((name) => reached.indexOf(name));
      expect(
        positions.every((p) => p >= 0),
        reached.join(" | "),
      ).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);

      await page.getByRole("button", { name: "+5 min" }).focus();
      const before = harness.clock.now();
      await page.keyboard.press("Enter");
      await page.locator("#status", { hasText: "advanced by 5 min" }).waitFor();
      expect(harness.clock.now() - before).toBeGreaterThanOrEqual(5 * 60_000);

      // Thumbnails may come from a share's generatedUrl; scripts, styles and data never leave.
      expect(external.filter((r) => r.type !== "image")).toEqual([]);
    });

    it("switches isolate: a fault scoped to isolate 1 fails creates there, not on isolate 0", async () => {
      await openDashboard();
      await page.getByLabel("Isolate", { exact: true }).selectOption("1");
      await page.locator("#monitoring-source", { hasText: "isolate 1" }).waitFor();
      await page.getByLabel("Only on the selected isolate").check();
      await page.getByRole("button", { name: "429 on writes" }).click();
      await page.locator("#fault-rules li", { hasText: "put → error 429 (isolate 1)" }).waitFor();

      const result = page.getByTestId("try-result");
      await page.getByRole("button", { name: "Create a share" }).click();
      await result.filter({ hasText: /^5\d\d / }).waitFor();
      await page.getByLabel("Isolate", { exact: true }).selectOption("0");
      await page.locator("#monitoring-source", { hasText: "isolate 0" }).waitFor();
      await page.getByRole("button", { name: "Create a share" }).click();
      await result.filter({ hasText: /^201: created / }).waitFor();
      expect(await harness.faults.list()).toEqual([
        expect.objectContaining({ op: "put", status: 429, isolate: 1 }),
      ]);
      await harness.faults.clear();
    });

    it("exports a snapshot as a file and imports it back into an emptied store", async () => {
      const created = await createShare("a snapshot round trip");
      expect(created.status).toBe(201);
      const key = `share:${created.body.id}`;
      await openDashboard();
      await storeRow(created.body.id).waitFor();

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export snapshot" }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^kv-snapshot-.*\.json$/);
      const file = join(dirs[0]!, "exported.json");
      await download.saveAs(file);
      const snapshot = JSON.parse(await readFile(file, "utf8")) as KvSnapshot;
      expect(snapshot.entries.map((e) => e.key)).toContain(key);

      await harness.kv.clear();
      await page.getByRole("button", { name: "List", exact: true }).click();
      await storeRow(created.body.id).waitFor({ state: "detached" });
      await page.getByLabel("Import a snapshot file").setInputFiles(file);
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await page
        .locator("#snapshot-result", {
          hasText: `Loaded ${snapshot.entries.length} entries (merged)`,
        })
        .waitFor();
      await storeRow(created.body.id).waitFor();
      expect((await harness.kv.getWithMetadata(key)).value).toBe(
        snapshot.entries.find((e) => e.key === key)!.value,
      );
    });

    it("shows an XSS prompt as text on the share page and the dashboard, and runs no script", async () => {
      const payload =
        `<script>window.__xss=1</script><img src=x onerror="window.__xss=2;alert(2)">` +
        `"><svg onload="window.__xss=3;alert(3)"></svg>`;
      const created = await createShare(payload, "xss");
      expect(created.status).toBe(201);
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });

      await page.goto(`${server.url}/s/${created.body.id}`);
      await page.locator(".prompt").waitFor();
      expect(await page.locator(".prompt").textContent()).toBe(payload);
      // The payload stayed text: no element of it made it into the page.
      expect(await page.locator("body script, body svg, img[src=x]").count()).toBe(0);
      await shot("5-share-page-xss");
      expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();

      await openDashboard();
      const card = shareCard(created.body.id);
      await card.waitFor();
      expect(await card.locator(".prompt").textContent()).toBe(payload);
      expect(await card.locator("script, svg, img[src=x]").count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(dialogs).toEqual([]);
    });

    it("loads a fixture from fixtures/ and records a session without the page's own polling", async () => {
      const fixture = "fixtures/bugs/legacy-guide-records.json";
      await openDashboard();
      await page.getByLabel("Fixture", { exact: true }).selectOption(fixture);
      await page.getByRole("button", { name: "Load fixture" }).click();
      await page
        .locator("#fixtures-result", { hasText: `Loaded ${fixture}: 5 KV entries` })
        .waitFor();
      await page
        .locator('#store-rows tr[data-key="share:list"]', { hasText: "Legacy index" })
        .waitFor();
      await page
        .locator('#store-rows tr[data-key="share:mjh36rpelshk"]', { hasText: "Legacy share" })
        .waitFor();
      await shot("6-fixture-loaded");

      // Under fixtures/, the only place the control API records to; removed after the test.
      const file = join("fixtures", "recorded", `browser-test-${process.pid}.json`);
      onTestFinished(() => rm(file, { force: true }));
      await page.getByLabel("Record requests to").fill(file);
      await page.getByRole("button", { name: "Start recording" }).click();
      await page
        .locator("#fixtures-result", { hasText: `Recording every Worker request to ${file}` })
        .waitFor();
      await page.getByRole("button", { name: "Create a share" }).click();
      await page
        .getByTestId("try-result")
        .filter({ hasText: /^201: created / })
        .waitFor();
      await page.getByRole("button", { name: "Refresh", exact: true }).click();
      await page.getByRole("button", { name: "Stop recording" }).click();
      const stopped = page.locator("#fixtures-result", { hasText: "Recording stopped" });
      await stopped.waitFor();
      expect(await stopped.textContent()).toBe(
        `Recording stopped: 1 requests and 5 KV entries written to ${file}.`,
      );
      const recorded = JSON.parse(await readFile(file, "utf8")) as {
        steps: { type: string; method?: string; path?: string }[];
      };
      expect(recorded.steps.filter((step) => step.type === "request")).toEqual([
        expect.objectContaining({ method: "POST", path: "/api/share" }),
      ]);
    });
  },
);
