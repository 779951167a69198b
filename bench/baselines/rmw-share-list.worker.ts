/**
 * @module bench/baselines/rmw-share-list.worker
 * The growth baseline: the original guide's design. Every create reads the whole `share:list`
 * array of ids, prepends one and writes it back; a list page reads that array and then each share.
 * Same routes and body schema as the share Worker, so the bench drives both the same way.
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import { createShareSchema } from "../../src/shares/create-schema.js";

interface Env {
  SHARE_DATA_KV: KVNamespace;
}

const LIST_KEY = "share:list";
const TTL_SECONDS = 30 * 24 * 60 * 60;
const CACHE_MS = 5 * 60_000;
/** The guide's "5-minute memory cache" of shares, per isolate. */
const cache = new Map<string, { value: string; at: number }>();

async function readList(kv: KVNamespace): Promise<string[]> {
  const text = await kv.get(LIST_KEY);
  return text ? (JSON.parse(text) as string[]) : [];
}

async function readShare(kv: KVNamespace, id: string): Promise<string | null> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = await kv.get(`share:${id}`);
  if (value !== null) cache.set(id, { value, at: Date.now() });
  return value;
}

const app = new Hono<{ Bindings: Env }>()
  .get("/healthz", (c) => c.json({ ok: true, backend: "kv" }))
  .post("/api/share", zValidator("json", createShareSchema), async (c) => {
    const input = c.req.valid("json");
    const timestamp = Date.now();
    const id = nanoid(12);
    const share = { id, ...input, timestamp, createdAt: new Date(timestamp).toISOString() };
    const kv = c.env.SHARE_DATA_KV;
    await kv.put(`share:${id}`, JSON.stringify(share), { expirationTtl: TTL_SECONDS });
    // The read-modify-write the guide does: O(n) bytes per create, lost updates under concurrency.
    const ids = await readList(kv);
    ids.unshift(id);
    await kv.put(LIST_KEY, JSON.stringify(ids));
    return c.json(share, 201);
  })
  .get("/api/share/:id", async (c) => {
    const value = await readShare(c.env.SHARE_DATA_KV, c.req.param("id"));
    if (value === null) return c.json({ error: { code: "not_found" } }, 404);
    return c.json(JSON.parse(value) as unknown);
  })
  .get("/api/shares", async (c) => {
    const limit = Number(c.req.query("limit") ?? 20);
    const ids = (await readList(c.env.SHARE_DATA_KV)).slice(0, limit);
    const values = await Promise.all(ids.map((id) => readShare(c.env.SHARE_DATA_KV, id)));
    const shares = values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as unknown);
    return c.json({ shares, cursor: null });
  });

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, env, ctx),
};
