/**
 * @module examples/notes
 * A Worker with two KV namespaces: `PUT /notes/:id` keeps the body in `NOTES`, `POST
 * /sessions/:id` opens a session in `SESSIONS` that KV expires after SESSION_TTL_SECONDS, and a
 * GET of either answers it or 404. A failed KV call answers 503 with the error's message.
 */
interface Env {
  NOTES: KVNamespace;
  SESSIONS: KVNamespace;
  SESSION_TTL_SECONDS: string;
}

const error = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

async function route(request: Request, env: Env): Promise<Response> {
  const match = /^\/(notes|sessions)\/([\w-]{1,64})$/.exec(new URL(request.url).pathname);
  if (!match) return error(404, "not_found", "try /notes/:id or /sessions/:id");
  const [, kind, id] = match as unknown as [string, "notes" | "sessions", string];
  const kv = kind === "notes" ? env.NOTES : env.SESSIONS;
  if (request.method === "GET") {
    const value = await kv.get(id);
    return value === null ? error(404, "not_found", `no ${kind} ${id}`) : new Response(value);
  }
  if (kind === "notes" && request.method === "PUT") {
    await kv.put(id, await request.text());
    return Response.json({ id }, { status: 201 });
  }
  if (kind === "sessions" && request.method === "POST") {
    await kv.put(id, new Date().toISOString(), {
      expirationTtl: Number(env.SESSION_TTL_SECONDS),
    });
    return Response.json({ id }, { status: 201 });
  }
  return error(405, "method_not_allowed", `${request.method} is not served on /${kind}`);
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return await route(request, env);
    } catch (e) {
      return error(503, "kv_unavailable", (e as Error).message);
    }
  },
} satisfies ExportedHandler<Env>;
