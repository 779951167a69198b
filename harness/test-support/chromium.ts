/**
 * @module harness/test-support/chromium
 * The real browser for page tests: Debian's Chromium (or `CHROMIUM_PATH`) driven by playwright-core,
 * headless, with no background traffic. Outside CI a missing Chromium skips those tests with the
 * reason; under CI=true it is a failure (`requireChromiumInCi`).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page, type Request } from "playwright-core";
import { describe, it } from "vitest";

// CHROMIUM_PATH picks another build (e.g. a CI image's google-chrome); Debian's is the default.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** CI=true (GitHub Actions, `.ci/run`): a missing Chromium is a failure there, not a skip. */
export const IN_CI = /^(1|true)$/i.test(process.env.CI ?? "");
export const SKIP_REASON = `skipped: no Chromium at ${CHROMIUM} (install it with: apt-get install chromium)`;

/** Registers one failing test when Chromium is missing under CI; nothing otherwise. */
export function requireChromiumInCi(what: string): void {
  describe.runIf(!HAS_CHROMIUM && IN_CI)(`${what} (CI)`, () => {
    it("needs Chromium in CI", () => {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH. ` +
          "Outside CI these tests skip instead.",
      );
    });
  });
}

/** A headless Chromium with its own profile directory (the caller removes it). */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width: 1440, height: 900 },
  });
}

/** A page that talks to one origin only, and what ends it. */
export interface OneOriginPage {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * A headless page, in a fresh profile, that may reach `origin` only: every other request is
 * aborted (and handed to `onOther`, to check what it tried). A missing element fails in 15 s with
 * Playwright's message, well inside a test's timeout.
 */
export async function openOneOriginPage(
  origin: string,
  onOther?: (request: Request) => void,
): Promise<OneOriginPage> {
  const profile = await mkdtemp(path.join(tmpdir(), "chromium-profile-"));
  const context = await launchChromium(profile);
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      onOther?.(route.request());
      return route.abort();
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
