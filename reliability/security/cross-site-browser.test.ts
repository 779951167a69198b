/**
 * The attack as a developer meets it: while `npm run dev` runs, they open a page on another
 * origin (here another port on 127.0.0.1). Its script fires the requests a page can send without
 * any CORS permission (no-cors `fetch` with text/plain bodies, an HTML form POST) at the control
 * API. In real Chromium, none of them moves the clock, installs a rule or restarts the runtime.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../../harness/share/index.js";
import { startDevServer, type DevServer } from "../../harness/server/dev-server.js";
import {
  HAS_CHROMIUM,
  launchChromium,
  requireChromiumInCi,
  SKIP_REASON,
} from "../../harness/test-support/chromium.js";
import type { Harness } from "../../harness/types.js";

const FORTY_DAYS_MS = 40 * 24 * 3600 * 1000;

/** The evil page: every request is awaited, then the title says it is done. */
function evilPage(dev: string): string {
  const clock = JSON.stringify({ ms: FORTY_DAYS_MS });
  const rule = JSON.stringify({ op: "any", kind: "error", status: 503 });
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="form" method="POST" enctype="text/plain" target="sink" action="${dev}/__harness/clock/advance">
  <input name='{"ms":${FORTY_DAYS_MS},"x":"' value='"}'>
</form>
<script>
  const send = (path, body) => fetch("${dev}" + path, {
    method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body,
  }).then(() => "sent", (e) => "failed: " + e.message);
  (async () => {
    const results = [
      await send("/__harness/clock/advance", ${JSON.stringify(clock)}),
      await send("/__harness/faults", ${JSON.stringify(rule)}),
      await send("/__harness/restart", "{}"),
    ];
    const sink = document.querySelector("iframe");
    await new Promise((resolve) => { sink.onload = resolve; document.getElementById("form").submit(); });
    document.title = "done " + results.join(",");
  })();
</script></body></html>`;
}

requireChromiumInCi("cross-site attack in Chromium");

describe.skipIf(!HAS_CHROMIUM)(
  `a cross-site page in Chromium${HAS_CHROMIUM ? "" : ` (${SKIP_REASON})`}`,
  () => {
    let harness: Harness;
    let dev: DevServer;
    let evil: Server;
    let context: BrowserContext;
    let profile: string;

    beforeAll(async () => {
      harness = await createShareHarness({ persistTo: "temp" });
      dev = await startDevServer({ harness, port: 0 });
      evil = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(evilPage(dev.url));
      });
      await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
      profile = await mkdtemp(join(tmpdir(), "cross-site-chromium-"));
      context = await launchChromium(profile);
    });

    afterAll(async () => {
      await context?.close();
      await new Promise((resolve) => (evil ? evil.close(resolve) : resolve(undefined)));
      await dev?.close();
      await harness?.dispose();
      if (profile) await rm(profile, { recursive: true, force: true });
    });

    it("cannot expire every share, inject faults or restart through the control API", async () => {
      const before = { clock: harness.clock.now(), restarts: (await harness.state()).restarts };
      const page = context.pages()[0] ?? (await context.newPage());
      const port = (evil.address() as AddressInfo).port;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction('document.title.startsWith("done")', undefined, {
        timeout: 30_000,
      });
      // The requests did reach the dev server (no-cors fetch resolves once it answered).
      expect(await page.title()).toBe("done sent,sent,sent");
      expect(harness.clock.now() - before.clock).toBeLessThan(FORTY_DAYS_MS);
      expect(await harness.faults.list()).toEqual([]);
      expect((await harness.state()).restarts).toBe(before.restarts);
    });
  },
);
