/**
 * @module harness/workers/entry.worker
 * Wraps the share Worker: per request, points the Worker's clock at the virtual clock, then hands
 * the request to the unchanged Worker. Node sends the clock offset with every request (one header,
 * removed here), so the Worker's env is exactly its own. Bodies are read in full first. A reset
 * request (`Harness.reset()`) drops the isolate's memory instead of reaching the Worker.
 */
import { setClock } from "../../src/clock";
import worker from "../../src/index";
import { resetIsolateState } from "../../src/state";
import { CLOCK_OFFSET_HEADER } from "./clock-header";
import { ISOLATE_RESET_HEADER } from "./isolate-reset";
import { openMutationScope } from "./mutation-switch";

type Handler = { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };

export default {
  async fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> {
    if (request.headers.has(ISOLATE_RESET_HEADER)) {
      // Harness.reset(): this isolate forgets everything, as a newly started one would.
      resetIsolateState();
      return new Response(null, { status: 204 });
    }
    const offset = Number(request.headers.get(CLOCK_OFFSET_HEADER) ?? 0) || 0;
    const headers = new Headers(request.headers);
    headers.delete(CLOCK_OFFSET_HEADER);
    const mutation = openMutationScope(headers);
    // Read the whole body first: when the Worker refuses a large body unread (413/415), workerd
    // would otherwise close the local connection while Node is still sending it, and the caller
    // would see ECONNRESET instead of the answer. (Production's edge answers either way.)
    const body = request.body === null ? null : await request.arrayBuffer();
    request = new Request(request, { headers, body });
    setClock(() => Date.now() + offset);
    return mutation.close(await (worker as unknown as Handler).fetch(request, env, ctx));
  },
};
