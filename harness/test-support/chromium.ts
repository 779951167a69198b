/**
 * @module harness/test-support/chromium
 * The real browser for page tests: Debian's Chromium (or `CHROMIUM_PATH`) driven by playwright-core,
 * headless, with no background traffic. Outside CI a missing Chromium skips those tests with the
 * reason; under CI=true it is a failure (`requireChromiumInCi`).
 */
import { existsSync } from "node:fs";
import { type BrowserContext, chromium } from "playwright-core";
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
