/**
 * @module harness/workers/isolate-control
 * The entrypoint through which the KV layer reads an isolate's KV operation counts (re-exported
 * by every worker that builds KV bindings). Reached only by a service binding, never by a request.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { isolateCounts, resetIsolateCounts } from "./kv-binding.js";

export class IsolateControl extends WorkerEntrypoint {
  counts() {
    return isolateCounts();
  }
  resetCounts() {
    resetIsolateCounts();
  }
}
