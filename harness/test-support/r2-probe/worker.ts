/**
 * @module harness/test-support/r2-probe/worker
 * `POST /<BUCKET>/<op>` with `{ key?, keys?, value?, prefix? }`: runs that one R2 call and answers
 * what the Worker saw: `{ ok: true, value }` (an object's text, `head`'s size, a list's keys) or
 * `{ ok: false, name, message }` for the error it threw.
 */
interface Call {
  key?: string;
  keys?: string[];
  value?: string;
  prefix?: string;
}

async function run(bucket: R2Bucket, op: string, call: Call): Promise<unknown> {
  switch (op) {
    case "get": {
      const object = await bucket.get(call.key!);
      return object === null ? null : await object.text();
    }
    case "head":
      return (await bucket.head(call.key!))?.size ?? null;
    case "put":
      return (await bucket.put(call.key!, call.value ?? ""))?.size ?? null;
    case "delete":
      await bucket.delete(call.keys ?? call.key!);
      return null;
    case "list":
      return (await bucket.list(call.prefix ? { prefix: call.prefix } : {})).objects.map(
        (o) => o.key,
      );
    default:
      throw new Error(`no op ${op}`);
  }
}

export default {
  async fetch(request: Request, env: Record<string, R2Bucket>): Promise<Response> {
    const [, name, op] = new URL(request.url).pathname.split("/");
    const call = (await request.json()) as Call;
    try {
      return Response.json({ ok: true, value: await run(env[name!]!, op!, call) });
    } catch (e) {
      const error = e as Error;
      return Response.json({ ok: false, name: error.name, message: error.message });
    }
  },
};
