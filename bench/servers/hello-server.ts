/**
 * @module bench/servers/hello-server
 * The load baseline server: `baselines/hello.worker.ts` in the same harness runtime and dev server
 * as `npm run dev`, on 127.0.0.1 and a free port. Prints its URL; SIGTERM stops it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createShareHarness } from "../../harness/share/index.js";
import { startDevServer } from "../../harness/server/dev-server.js";

const HELLO = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "baselines",
  "hello.worker.ts",
);

const harness = await createShareHarness({ persistTo: "temp", workerOverride: HELLO });
const server = await startDevServer({ harness, port: 0 });
console.log(`hello worker at ${server.url}`);
process.once("SIGTERM", () => {
  void server
    .close()
    .then(() => harness.dispose())
    .then(() => process.exit(0));
});
