/**
 * @module index
 * The Worker entry: a plain `{ fetch }` handler over the Hono app (the harness calls it directly).
 */
import { createApp } from "./app.js";
import type { Env } from "./env.js";

const app = createApp();

export type { Env } from "./env.js";

export default {
  fetch(request, env, ctx) {
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
