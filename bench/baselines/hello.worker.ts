/**
 * @module bench/baselines/hello.worker
 * The load baseline: a bare Hono "hello" Worker, served through the same harness and dev server as
 * the share Worker, so the ratio isolates what the share Worker itself costs per request.
 */
import { Hono } from "hono";

const app = new Hono().get("*", (c) => c.json({ hello: "world" }));

export default {
  fetch: (request: Request, env: unknown, ctx: ExecutionContext) => app.fetch(request, env, ctx),
};
