/**
 * @module harness/workers/entry.worker
 * Wraps the share Worker: per request, reads the virtual clock offset from the kv-layer and points
 * the Worker's clock at it, then hands the request to the unchanged Worker.
 */
import { setClock } from "../../src/clock";
import worker from "../../src/index";

interface EntryEnv {
  __HARNESS_CLOCK: { offset(): Promise<number> };
  [binding: string]: unknown;
}

type Handler = { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };

export default {
  async fetch(request: Request, env: EntryEnv, ctx: ExecutionContext): Promise<Response> {
    const { __HARNESS_CLOCK: clock, ...workerEnv } = env;
    const offset = await clock.offset();
    setClock(() => Date.now() + offset);
    return (worker as unknown as Handler).fetch(request, workerEnv, ctx);
  },
};
