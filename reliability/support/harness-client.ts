/**
 * @module reliability/support/harness-client
 * The typed client of the share API (`hc<AppType>`, `src/client.ts`) over a harness: the tests, the
 * soak's workload and its observers send through it (no Vitest import: the soak runs as a CLI too).
 */
import type { Harness } from "../../harness/types.js";
import { clientOver, type ShareClient } from "../../src/client.js";

/** The typed client of the share API (`hc<AppType>`) over the harness, on one isolate. */
export function harnessClient(harness: Harness, isolate = 0): ShareClient {
  return clientOver((path, init) => harness.fetch(path, init, isolate));
}
