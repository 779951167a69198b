/**
 * @module harness/test-support/placeholder.worker
 * Test scratch: a minimal stand-in for `src/index.ts` used only by harness tests that exercise
 * the KV layer through the probe worker, so they do not depend on the share Worker's routes.
 */
import { now } from "../../src/clock.js";
import { encode, errorOf, SCENARIOS } from "../workers/kv-scenarios.js";

const memory = new Map<string, string>();

export default {
  async fetch(request: Request, env: { SHARE_DATA_KV: KVNamespace; STORAGE_BACKEND: string }) {
    const url = new URL(request.url);
    const key = url.searchParams.get("key") ?? "k";
    if (url.pathname === "/now") return Response.json({ now: now() });
    if (url.pathname === "/put") {
      const value = url.searchParams.get("value") ?? "";
      if (env.STORAGE_BACKEND === "memory") memory.set(key, value);
      else await env.SHARE_DATA_KV.put(key, value);
      return new Response("ok");
    }
    if (url.pathname === "/get") {
      const value =
        env.STORAGE_BACKEND === "memory"
          ? memory.get(key)
          : await env.SHARE_DATA_KV.get(key, { type: "text" });
      return Response.json({ value: value ?? null });
    }
    if (url.pathname === "/fetch") return fetch(url.searchParams.get("url")!);
    if (url.pathname === "/kv-scenario") {
      // A probe scenario on the binding exactly as this Worker's env holds it.
      const run = SCENARIOS[url.searchParams.get("name") ?? ""];
      if (!run)
        return Response.json({ ok: false, error: { name: "Probe", message: "no scenario" } });
      try {
        const value = await run(env.SHARE_DATA_KV, key, Number(url.searchParams.get("arg") ?? 0));
        return Response.json({ ok: true, value: await encode(value) });
      } catch (e) {
        return Response.json({ ok: false, error: errorOf(e) });
      }
    }
    console.log(JSON.stringify({ event: "hello", path: url.pathname }));
    return new Response("placeholder");
  },
};
