import { describe, expect, it } from "vitest";
import { shareKey } from "./shares/record.js";
import type { UnitEnv } from "./testing/unit-protocol.js";
import { useUnitWorker, validBody } from "./testing/unit-worker.js";
import type { MonitoringAnswer as Monitoring } from "./client.js";

const unit = useUnitWorker();
const request = (env: UnitEnv, path: string, init?: RequestInit) => unit.request(env, path, init);
const postShare = (env: UnitEnv, body: unknown) => unit.postShare(env, body);

const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe.each(["memory", "kv"] as const)("share API on %s", (backend) => {
  const env = () => unit.env(backend);

  it("creates a share (201, Location, url) and reads it back", async () => {
    const res = await postShare(env(), validBody());
    expect(res.status).toBe(201);
    const share = (await res.json()) as Record<string, unknown>;
    expect(share).toMatchObject({ ...validBody(), isR2Stored: false, url: `/s/${share.id}` });
    expect(res.headers.get("location")).toBe(`/api/share/${share.id}`);
    expect(new Date(share.createdAt as string).getTime()).toBe(share.timestamp);
    const got = await request(env(), `/api/share/${share.id}`);
    expect(got.status).toBe(200);
    const { url: _url, ...stored } = share;
    expect(await got.json()).toEqual(stored);
  });

  it("answers 404 not_found and 400 invalid_id", async () => {
    const missing = await request(env(), "/api/share/doesnotexist");
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("not_found");
    const bad = await request(env(), `/api/share/${encodeURIComponent("bad id!")}`);
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("invalid_id");
  });

  it("lists newest first", async () => {
    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await unit.setClock(t0 + i * 1000);
      ids.push(((await (await postShare(env(), validBody(i))).json()) as { id: string }).id);
    }
    const res = await request(env(), "/api/shares");
    const body = (await res.json()) as { shares: { id: string }[]; cursor: string | null };
    expect(body.shares.map((s) => s.id)).toEqual(ids.reverse());
    expect(body.cursor).toBeNull();
  });

  it("rejects bad input with the right codes", async () => {
    const text = await request(env(), "/api/share", {
      method: "POST",
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    expect([text.status, await errorCode(text)]).toEqual([415, "unsupported_media_type"]);
    const big = await postShare(env(), { ...validBody(), prompt: "x".repeat(70 * 1024) });
    expect([big.status, await errorCode(big)]).toEqual([413, "payload_too_large"]);
    const malformed = await request(env(), "/api/share", {
      method: "POST",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect([malformed.status, await errorCode(malformed)]).toEqual([400, "invalid_json"]);
    const invalid = await postShare(env(), {
      ...validBody(),
      generatedUrl: "javascript:alert(1)",
      originalUrl: "http://plain.example.com/x.png",
      style: "Not A Slug!",
      prompt: "",
    });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; fields: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.map((f) => f.path).sort()).toEqual([
      "generatedUrl",
      "originalUrl",
      "prompt",
      "style",
    ]);
    const data = await postShare(env(), {
      ...validBody(),
      generatedUrl: "data:image/png;base64,AAAA",
    });
    expect(data.status).toBe(400);
    const longPrompt = await postShare(env(), { ...validBody(), prompt: "p".repeat(2001) });
    expect(longPrompt.status).toBe(400);
  });

  it("rejects unknown keys including __proto__ without polluting objects", async () => {
    const res = await request(env(), "/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"generatedUrl":"https://a.example/x.png","originalUrl":"https://a.example/y.png","prompt":"p","style":"s","__proto__":{"polluted":true}}`,
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("validation_failed");
    // Checked where the Worker ran: inside workerd.
    expect(await unit.control("objectPrototype")).toEqual({ polluted: false });
    expect((await (await request(env(), "/api/shares")).json()) as unknown).toEqual({
      shares: [],
      cursor: null,
    });
  });

  it("deletes with the admin token only", async () => {
    const { id } = (await (await postShare(env(), validBody())).json()) as { id: string };
    const del = (headers: Record<string, string>, e = env()) =>
      request(e, `/api/share/${id}`, { method: "DELETE", headers });
    const disabled = await del({}, unit.env(backend, { ADMIN_TOKEN: "" }));
    expect([disabled.status, await errorCode(disabled)]).toEqual([403, "admin_disabled"]);
    const none = await del({});
    expect([none.status, await errorCode(none)]).toEqual([401, "unauthorized"]);
    const wrong = await del({ authorization: "Bearer nope" });
    expect([wrong.status, await errorCode(wrong)]).toEqual([401, "unauthorized"]);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    const ok = await del({ authorization: "Bearer test-admin-token" });
    expect(ok.status).toBe(204);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(404);
    const again = await del({ authorization: "Bearer test-admin-token" });
    expect([again.status, await errorCode(again)]).toEqual([404, "not_found"]);
  });

  it("serves healthz, 404 JSON for unknown routes, and monitoring fields", async () => {
    expect(await (await request(env(), "/healthz")).json()).toMatchObject({ ok: true, backend });
    const unknown = await request(env(), "/nope");
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, "not_found"]);
    await postShare(env(), validBody(1));
    await postShare(env(), validBody(2));
    const m = (await (await request(env(), "/api/monitoring")).json()) as Monitoring;
    expect(m.backend).toBe(backend);
    expect(m.shares).toMatchObject({ total: 2, r2Stored: 0 });
    expect(Object.keys(m.cache).sort()).toEqual(["hitRate", "hits", "maxSize", "misses", "size"]);
    expect(m.kv).toMatchObject({
      writes: 2,
      errors: 0,
      errorRate: 0,
      retries: 0,
      fallbacks: 0,
      pendingWrites: 0,
    });
    for (const op of ["get", "put", "list"] as const)
      expect(Object.keys(m.latencyMs[op]!).sort()).toEqual(["max", "p50", "p95"]);
    expect(m.corruptRecords).toBe(0);
    expect(Number.isNaN(Date.parse(m.isolateStartedAt))).toBe(false);
  });

  it("treats corrupt records as absent: 404, skipped by list, counted", async () => {
    const { id } = (await (await postShare(env(), validBody())).json()) as { id: string };
    const bad = { v: 1, ts: Date.now(), r2: false, full: false };
    if (backend === "kv") {
      await unit.kv.put(shareKey(id), "{not json", { metadata: bad });
      await unit.restartIsolate(); // drop the cached good copy, as a new isolate would
    } else {
      await unit.memoryPut(shareKey(id), "{not json", bad);
    }
    expect((await request(env(), `/api/share/${id}`)).status).toBe(404);
    const list = (await (await request(env(), "/api/shares")).json()) as { shares: unknown[] };
    expect(list.shares).toEqual([]);
    const m = (await (await request(env(), "/api/monitoring")).json()) as {
      corruptRecords: number;
    };
    expect(m.corruptRecords).toBe(1);
  });

  it("hides shares once 30 days have passed on the clock", async () => {
    const t0 = Date.now();
    await unit.setClock(t0);
    const { id } = (await (await postShare(env(), validBody())).json()) as { id: string };
    await unit.setClock(t0 + 29 * 86_400_000);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(200);
    await unit.setClock(t0 + 30 * 86_400_000 + 1000);
    expect((await request(env(), `/api/share/${id}`)).status).toBe(404);
    const list = (await (await request(env(), "/api/shares")).json()) as { shares: unknown[] };
    expect(list.shares).toEqual([]);
  });
});

describe("memory backend", () => {
  it("loses its shares when the isolate restarts (the guide's original problem)", async () => {
    const env = unit.env("memory");
    const { id } = (await (await postShare(env, validBody())).json()) as { id: string };
    expect((await request(env, `/api/share/${id}`)).status).toBe(200);
    await unit.restartIsolate();
    expect((await request(env, `/api/share/${id}`)).status).toBe(404);
  });
});

describe("configuration", () => {
  it("answers 500 config_invalid, without a stack, for kv without a binding or a bad var", async () => {
    const res = await request(
      { vars: { STORAGE_BACKEND: "kv" }, kv: false, r2: false },
      "/healthz",
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("config_invalid");
    expect(text).toContain("SHARE_DATA_KV");
    expect(text).not.toMatch(/\bat .*\.ts/);
    const bad = await request(
      { vars: { KV_WRITE_FALLBACK: "maybe" }, kv: false, r2: false },
      "/healthz",
    );
    expect(bad.status).toBe(500);
    expect(await bad.text()).toContain("KV_WRITE_FALLBACK");
  });

  it("auto picks kv when bound and memory otherwise", async () => {
    const unbound = { vars: {}, kv: false, r2: false };
    expect(await (await request(unbound, "/healthz")).json()).toMatchObject({
      ok: true,
      backend: "memory",
    });
    const bound = { vars: {}, kv: true, r2: false };
    expect(await (await request(bound, "/healthz")).json()).toMatchObject({
      ok: true,
      backend: "kv",
    });
  });
});
