/**
 * `npm run dev` (or `npm run seed`) on the folder a real `wrangler dev --persist-to` serves: two
 * runtimes on one SQLite store lose writes, and wrangler leaves no claim of ours, so the claim
 * looks at who holds the store's files open. Linux only (/proc); elsewhere the README says it is
 * not checked.
 */
import { describe, expect, it } from "vitest";
import { CliError } from "../../cli/cli-error.js";
import { claimStore } from "../../cli/store-owner.js";
import { startWranglerDev } from "../../scripts/ci/wrangler-dev.js";

describe.runIf(process.platform === "linux")("a store wrangler dev is serving", () => {
  it("is refused with a message naming wrangler's workerd", { timeout: 180_000 }, async () => {
    const dev = await startWranglerDev();
    try {
      // Its /healthz answered: the KV database under the folder is open.
      let error: unknown;
      try {
        claimStore(dev.stateDir, "dev").release();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: "STORE_IN_USE" });
      expect((error as Error).message).toMatch(/pid \d+ \S*workerd/);
    } finally {
      await dev.stop();
    }
  });
});
