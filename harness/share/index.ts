/**
 * @module harness/share
 * The share Worker on the harness core: `createShareHarness()` boots the repository's Worker (its
 * wrangler.jsonc) with its plugin. Every share-level caller (suites, reliability, bench, soak, the
 * dev server) boots the Worker through it.
 */
import { createHarness, type HarnessImpl, type InternalOptions } from "../node/create-harness.js";
import type { ShareHarnessOptions } from "./options.js";
import { SHARE_CONFIG, sharePlugin } from "./plugin.js";

export { SHARE_CONFIG, sharePlugin } from "./plugin.js";
export { backendOf, type Backend, type ShareHarnessOptions } from "./options.js";

/**
 * Boot the share Worker behind the KV layer. Dispose it (or `await using`) when done.
 * @example
 * await using harness = await createShareHarness({ persistTo: "temp", isolates: 2 });
 * const res = await harness.fetch("/healthz");
 */
export function createShareHarness(
  options: InternalOptions & ShareHarnessOptions = {},
): Promise<HarnessImpl> {
  const { backend, ...rest } = options;
  const pluginOptions = { ...rest.pluginOptions, ...(backend === undefined ? {} : { backend }) };
  return createHarness({ config: SHARE_CONFIG, plugin: sharePlugin, ...rest, pluginOptions });
}
