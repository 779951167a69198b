/**
 * @module harness/workers/entry.worker
 * Wraps the share Worker: per request, points the Worker's clock at the virtual clock, then hands
 * the request to the unchanged Worker. Node sends the clock offset with every request (one header,
 * removed here); without it the entry asks the kv-layer (one RPC).
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
    let offset: number;
    if (sent !== null && Number.isFinite(Number(sent))) {
      offset = Number(sent);
      const headers = new Headers(request.headers);
      headers.delete(CLOCK_OFFSET_HEADER);
      request = new Request(request, { headers });
    } else {
      offset = await clock.offset();
    }
    setClock(() => Date.now() + offset);
    return (worker as unknown as Handler).fetch(request, workerEnv, ctx);
  },
};
