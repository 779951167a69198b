/**
 * @module harness/workers/probe.worker
 * Test-only worker: runs one KV call against the raw binding (`RAW`) or through the layer as
 * isolate i (`LAYER_i`) and answers with the result or the error, as JSON. Lets one conformance
 * file run against both, and lets layer tests see exactly what a Worker would see.
 */
type Target = Record<string, (...args: unknown[]) => Promise<unknown>>;

async function encode(value: unknown): Promise<unknown> {
  if (value instanceof Map) {
    const entries: [unknown, unknown][] = [];
    for (const [k, v] of value) entries.push([k, await encode(v)]);
    return { $map: entries };
  }
  if (value instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(value)] };
  if (value instanceof ReadableStream) return { $stream: await new Response(value).text() };
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await encode(v);
    return out;
  }
  return value;
}

export default {
  async fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    const { target, method, args } = (await request.json()) as {
      target: string;
      method: string;
      args: unknown[];
    };
    const binding = env[target] as Target | undefined;
    if (!binding)
      return Response.json({ ok: false, error: { name: "Probe", message: `no ${target}` } });
    try {
      // Call as a method: on an RPC stub, `fn.apply(...)` would be a remote call named "apply".
      const value = await binding[method]!(...args);
      return Response.json({ ok: true, value: await encode(value) });
    } catch (e) {
      const error = e as Error;
      return Response.json({ ok: false, error: { name: error.name, message: error.message } });
    }
  },
};
