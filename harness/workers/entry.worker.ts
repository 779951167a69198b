/**
 * @module harness/workers/entry.worker
 * Wraps the share Worker: per request, points the Worker's clock at the virtual clock, then hands
 * the request to the unchanged Worker. Node sends the clock offset with every request (one header,
 * removed here); without it the entry asks the kv-layer (one RPC). Bodies are read in full first.
 */
import { setClock } from "../../src/clock";
import worker from "../../src/index";
import { CLOCK_OFFSET_HEADER } from "./clock-header";

interface EntryEnv {
  __HARNESS_CLOCK: { offset(): Promise<number> };
  [binding: string]: unknown;
}

type Handler = { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };

export default {
  async fetch(request: Request, env: EntryEnv, ctx: ExecutionContext): Promise<Response> {
    const { __HARNESS_CLOCK: clock, ...workerEnv } = env;
    const sent = request.headers.get(CLOCK_OFFSET_HEADER);
    const offset =
      sent !== null && Number.isFinite(Number(sent)) ? Number(sent) : await clock.offset();
    const headers = new Headers(request.headers);
    headers.delete(CLOCK_OFFSET_HEADER);
    // Read the whole body first: when the Worker refuses a large body unread (413/415), workerd
    // would otherwise close the local connection while Node is still sending it, and the caller
    // would see ECONNRESET instead of the answer. (Production's edge answers either way.)
    const body = request.body === null ? null : await request.arrayBuffer();
    request = new Request(request, { headers, body });
    setClock(() => Date.now() + offset);
    return (worker as unknown as Handler).fetch(request, workerEnv, ctx);
  },
};
