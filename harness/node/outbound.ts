/**
 * @module harness/node/outbound
 * Answers the Worker's outbound fetch from msw handlers in Node. Unmatched requests get a 502 that
 * says so: the Worker never reaches the real network.
 */
import { getResponse, type RequestHandler } from "msw";

export class Outbound {
  #handlers: RequestHandler[];

  constructor(handlers: RequestHandler[] = []) {
    this.#handlers = handlers;
  }

  use(handlers: RequestHandler[]): void {
    this.#handlers = handlers;
  }

  async handle(request: Request): Promise<Response> {
    const response = await getResponse(this.#handlers, request);
    if (response) return response;
    return new Response(
      `[harness] no msw handler for ${request.method} ${request.url}; outbound fetch never reaches the network. Pass handlers to createHarness({ handlers }) or harness.useHandlers().`,
      { status: 502, headers: { "content-type": "text/plain", "x-harness-unhandled": "1" } },
    );
  }
}
