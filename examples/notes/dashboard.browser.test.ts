/**
 * The dev dashboard for a Worker the harness core knows nothing of (this folder's, no plugin), in
 * Debian's Chromium: the core sections work on its two namespaces' first binding (store browser,
 * fault rules, restart) and no share Worker panel or read appears. Skips, saying why, without
 * Chromium; fails under `CI=true` instead.
 */
import { mkdir } from "node:fs/promises";
import path, { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../harness/index.js";
import { type DevServer, startDevServer } from "../../harness/server/dev-server.js";
import {
  HAS_CHROMIUM,
  openOneOriginPage,
  requireChromiumInCi,
  type OneOriginPage,
  SKIP_REASON,
} from "../../harness/test-support/chromium.js";

const SHOTS = join(process.cwd(), "reports", "dashboard");

requireChromiumInCi("the notes Worker's dashboard in Chromium");

let harness: Harness;
let server: DevServer;
let browser: OneOriginPage;
let page: Page;
/** Errors the page's scripts threw. */
const pageErrors: string[] = [];
/** Requests to the dashboard's Worker reads (a Worker without a plugin names none). */
const workerReads: string[] = [];

describe.skipIf(!HAS_CHROMIUM)(
  `the notes Worker's dashboard in Chromium${HAS_CHROMIUM ? "" : ` (${SKIP_REASON})`}`,
  () => {
    beforeAll(async () => {
      await mkdir(SHOTS, { recursive: true });
      harness = await createHarness({
        config: path.join(import.meta.dirname, "wrangler.jsonc"),
        persistTo: "temp",
      });
      server = await startDevServer({ harness, port: 0 });
      browser = await openOneOriginPage(new URL(server.url).origin);
      page = browser.page;
      page.on("pageerror", (err) => pageErrors.push(err.message));
      page.on("request", (req) => {
        const { pathname } = new URL(req.url());
        if (/^\/__harness\/ui\/(api|plugin|images)\//.test(pathname)) workerReads.push(pathname);
      });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await harness?.dispose();
    });

    it("browses its keys, adds and clears a fault rule and restarts, with no share panels", async () => {
      expect((await harness.fetch("/notes/a", { method: "PUT", body: "first note" })).status).toBe(
        201,
      );
      await page.goto(`${server.url}/__harness/`);
      await page.locator("body[data-ready=true]").waitFor();

      expect(await page.locator("nav a").allTextContents()).toEqual(["Controls", "Store", "Logs"]);
      expect(await page.locator("#plugin-views > *, #plugin-controls > *").count()).toBe(0);
      expect(await page.locator("#monitoring, #shares, #try-create").count()).toBe(0);
      // (The top bar's store path is a temp folder, whose name may say anything.)
      expect(await page.locator("main").getByText(/share/i).count()).toBe(0);

      const row = page.locator('#store-rows tr[data-key="a"]');
      await row.waitFor();
      expect(await row.locator("td").nth(1).textContent()).toBe("Key");
      await page.getByLabel("Key", { exact: true }).fill("a");
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByTestId("store-detail").locator("pre", { hasText: "first note" }).waitFor();

      await page.getByRole("button", { name: "KV down", exact: true }).click();
      await page.locator("#fault-rules li", { hasText: "any → error 503" }).waitFor();
      const refused = await harness.fetch("/notes/b", { method: "PUT", body: "refused" });
      expect(refused.status).toBe(503);
      await page.getByRole("button", { name: "Clear all rules" }).click();
      await page.locator("#fault-rules li", { hasText: "No fault rules" }).waitFor();

      await page.getByRole("button", { name: "Restart the runtime" }).click();
      const report = page.getByTestId("restart-result");
      await report.filter({ hasText: "Restarted in" }).waitFor();
      expect(await report.textContent()).toContain(
        "Survived: 1 KV key, 0 fault rules, the virtual clockLost: nothing",
      );
      await page.screenshot({ path: join(SHOTS, "7-notes-worker.png"), fullPage: true });

      expect(workerReads).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
