import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareId, encodeShareRecord } from "../../src/shares/record.js";
import { SHARE_TTL_SECONDS, type ShareData } from "../../src/shares/schema.js";
import { createShareHarness } from "../share/index.js";
import type {
  CountersReport,
  FaultRule,
  Harness,
  HarnessState,
  KvSnapshot,
  LogLine,
} from "../types.js";
import { createControlApi } from "./control-api.js";

let harness: Harness;
let api: Hono;

interface ErrorBody {
  error: { code: string; message: string };
}

async function call<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const res = await api.request(`/__harness${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
}

function share(n: number): ShareData {
  const timestamp = Date.parse("2026-11-20T10:00:00Z") + n * 1000;
  return {
    id: createShareId(timestamp, `TESTAPI${n}`),
    generatedUrl: `https://images.example.com/generated/${n}.png`,
    originalUrl: `https://images.example.com/original/${n}.png`,
    prompt: `a lighthouse in watercolor, take ${n}`,
    style: "watercolor",
    timestamp,
    createdAt: new Date(timestamp).toISOString(),
  };
}

async function putShare(data: ShareData): Promise<string> {
  const { key, value, metadata } = encodeShareRecord(data);
  await harness.kv.put(key, value, { metadata, expirationTtl: SHARE_TTL_SECONDS });
  return key;
}

beforeAll(async () => {
  harness = await createShareHarness({
    persistTo: "temp",
    isolates: 2,
    // One attempt and no backoff, so a faulted read fails at once instead of retrying.
    vars: { KV_RETRY_MAX_ATTEMPTS: "1", KV_RETRY_BASE_MS: "1" },
  });
  api = createControlApi(harness);
  await Promise.all([0, 1, 2].map((n) => putShare(share(n))));
});

afterAll(async () => {
  await harness?.dispose();
});

describe("GET /__harness/state", () => {
  it("reports backend, profile, isolates, clock, rules and counters", async () => {
    const { status, body } = await call<HarnessState>("GET", "/state");
    expect(status).toBe(200);
    expect(body).toMatchObject({ backend: "kv", profile: "miniflare", isolates: 2, rules: [] });
    expect(body.clock).toBeGreaterThan(Date.parse("2026-01-01"));
    expect(body.counters.isolates).toHaveLength(2);
  });
});

describe("/__harness/faults", () => {
  const failingGet: FaultRule = { op: "any", prefix: "share:", kind: "error", status: 503 };

  it("PUT replaces the rules, and the Worker's next KV read fails with them", async () => {
    const id = share(1).id;
    const put = await call<{ rules: FaultRule[] }>("PUT", "/faults", { rules: [failingGet] });
    expect(put.status).toBe(200);
    expect(put.body.rules).toEqual([
      expect.objectContaining({ ...failingGet, id: expect.any(String) }),
    ]);
    expect((await call<{ rules: FaultRule[] }>("GET", "/faults")).body.rules).toEqual(
      put.body.rules,
    );

    const failed = await harness.fetch(`/api/share/${id}`, undefined, 1);
    expect(failed.status).toBe(503);

    const cleared = await call<{ rules: FaultRule[] }>("DELETE", "/faults");
    expect(cleared).toEqual({ status: 200, body: { rules: [] } });
    const ok = await harness.fetch(`/api/share/${id}`, undefined, 1);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id, prompt: share(1).prompt });
  });

  it("accepts a bare array and POST adds one rule", async () => {
    expect((await call("PUT", "/faults", [failingGet])).status).toBe(200);
    const added = await call<{ rule: FaultRule }>("POST", "/faults", {
      op: "put",
      kind: "network",
      first: 1,
    });
    expect(added.status).toBe(201);
    expect(added.body.rule).toMatchObject({
      op: "put",
      kind: "network",
      first: 1,
      id: expect.any(String),
    });
    expect((await call<{ rules: FaultRule[] }>("GET", "/faults")).body.rules).toHaveLength(2);
    await call("DELETE", "/faults");
  });

  it.each([
    ["not JSON", "{rules:", "invalid_json", "Expected a JSON body"],
    ["an empty body", "", "invalid_json", "the body is empty"],
    [
      "an unknown kind",
      { rules: [{ op: "get", kind: "explode" }] },
      "invalid_input",
      "rules[0].kind",
    ],
    [
      "a misspelt field",
      [{ op: "get", kind: "error", probabilty: 0.5 }],
      "invalid_input",
      "probabilty",
    ],
    [
      "a probability above 1",
      [{ op: "get", kind: "error", probability: 2 }],
      "invalid_input",
      "[0].probability",
    ],
    [
      "an isolate the harness does not run",
      [{ op: "get", kind: "error", isolate: 2 }],
      "invalid_input",
      "isolates 0..1",
    ],
    ["rules that are not a list", { rules: "all" }, "invalid_input", "rules"],
  ])(
    "PUT with %s is a 400 naming the problem, and keeps the old rules",
    async (_name, body, code, message) => {
      const res = await call<ErrorBody>("PUT", "/faults", body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toContain(message);
      expect((await call<{ rules: FaultRule[] }>("GET", "/faults")).body.rules).toEqual([]);
    },
  );
});

describe("/__harness/clock", () => {
  it("advance moves virtual time, and KV expiry follows it", async () => {
    await harness.kv.put("ttl:soon", "v", { expirationTtl: 60 });
    expect((await call("GET", "/kv/ttl:soon")).status).toBe(200);
    const before = (await call<{ now: number }>("GET", "/clock")).body.now;
    const advanced = await call<{ now: number }>("POST", "/clock/advance", { ms: 61_000 });
    expect(advanced.status).toBe(200);
    expect(advanced.body.now).toBeGreaterThanOrEqual(before + 61_000);
    expect((await call<ErrorBody>("GET", "/kv/ttl:soon")).body.error.code).toBe("key_not_found");
  });

  it("set jumps forward and refuses the past", async () => {
    const now = (await call<{ now: number }>("GET", "/clock")).body.now;
    const target = now + 3_600_000;
    const set = await call<{ now: number }>("POST", "/clock/set", { epochMs: target });
    expect(set.status).toBe(200);
    expect(set.body.now).toBeGreaterThanOrEqual(target);
    const past = await call<ErrorBody>("POST", "/clock/set", { epochMs: now });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: "clock_in_past" });
    expect(past.body.error.message).toContain("only moves forward");
  });

  it.each([
    ["/clock/advance", { ms: -5 }, "ms"],
    ["/clock/advance", { ms: "5" }, "ms"],
    ["/clock/advance", {}, "ms"],
    ["/clock/set", { epochMs: 1.5 }, "epochMs"],
    ["/clock/set", { ms: 5 }, "epochMs"],
  ])("POST %s %j is a 400 naming %s", async (path, body, field) => {
    const res = await call<ErrorBody>("POST", path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`${field}:`);
  });
});

describe("/__harness/kv", () => {
  type ListBody = { keys: { name: string }[]; list_complete: boolean; cursor?: string };

  it("lists keys by prefix and pages with cursor and limit", async () => {
    const all = await call<ListBody>("GET", "/kv?prefix=share:");
    expect(all.body.keys.map((k) => k.name)).toEqual(
      [0, 1, 2].map((n) => encodeShareRecord(share(n)).key).sort(),
    );
    const first = await call<ListBody>("GET", "/kv?prefix=share:&limit=2");
    expect(first.body.keys).toHaveLength(2);
    expect(first.body.list_complete).toBe(false);
    const rest = await call<ListBody>(
      "GET",
      `/kv?prefix=share:&limit=2&cursor=${encodeURIComponent(first.body.cursor!)}`,
    );
    expect(rest.body.keys.map((k) => k.name)).toEqual([all.body.keys[2]!.name]);
  });

  it("reads one entry with its metadata and expiration, bypassing the Worker", async () => {
    const data = share(0);
    const { key, metadata } = encodeShareRecord(data);
    const res = await call<{ key: string; value: string; metadata: unknown; expiration: number }>(
      "GET",
      `/kv/${encodeURIComponent(key)}`,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.value)).toEqual(data);
    expect(res.body.metadata).toEqual(metadata);
    expect(res.body.expiration).toBeGreaterThan(Date.now() / 1000);
  });

  it("writes one entry straight into the store", async () => {
    const put = await call("PUT", `/kv/${encodeURIComponent("scratch/put")}`, {
      value: "direct",
      metadata: { v: 1 },
      expirationTtl: 3600,
    });
    expect(put).toEqual({ status: 200, body: { stored: "scratch/put" } });
    expect(await harness.kv.getWithMetadata("scratch/put")).toMatchObject({
      value: "direct",
      metadata: { v: 1 },
    });
    const bad = await call<ErrorBody>("PUT", "/kv/scratch/put", { value: 1, extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("value");
    await harness.kv.delete("scratch/put");
  });

  it("deletes an entry", async () => {
    await harness.kv.put("scratch/a b", "x");
    expect(await call("DELETE", `/kv/${encodeURIComponent("scratch/a b")}`)).toEqual({
      status: 200,
      body: { deleted: "scratch/a b" },
    });
    expect(await harness.kv.get("scratch/a b")).toBeNull();
  });

  // What production KV refuses is the caller's mistake: a 400 with KV's own words, never a 500.
  it.each([
    ["a key past 512 bytes", "PUT", `/kv/${"k".repeat(513)}`, { value: "x" }, "exceeds key length"],
    ["a key past 512 bytes", "GET", `/kv/${"k".repeat(513)}`, undefined, "exceeds key length"],
    ["a key past 512 bytes", "DELETE", `/kv/${"k".repeat(513)}`, undefined, "exceeds key length"],
    ["a TTL under 60 s", "PUT", "/kv/scratch/ttl", { value: "x", expirationTtl: 30 }, "60"],
    [
      "metadata past 1024 bytes",
      "PUT",
      "/kv/scratch/meta",
      { value: "x", metadata: { m: "x".repeat(1100) } },
      "Metadata length",
    ],
  ])("refuses %s (%s) as invalid input", async (_what, method, path, body, words) => {
    const res = await call<ErrorBody>(method, path, body);
    expect(res).toMatchObject({ status: 400, body: { error: { code: "invalid_input" } } });
    expect(res.body.error.message).toContain(words);
    expect(res.body.error.message).not.toMatch(/\n\s+at /);
  });

  it.each([
    ["", "put"],
    [".", "put"],
    ["..", "get"],
    ["..", "delete"],
  ] as const)("refuses the key %j (%s) as a caller's mistake", async (key, op) => {
    const refused = op === "put" ? harness.kv.put(key, "x") : harness.kv[op](key);
    await expect(refused).rejects.toMatchObject({ code: "BAD_KV_CALL" });
  });

  it.each([
    ["/kv/share:missing", 404, "key_not_found"],
    ["/kv?limit=0", 400, "invalid_input"],
    ["/kv?limit=1001", 400, "invalid_input"],
    ["/kv?prefx=share:", 400, "invalid_input"],
  ])("GET %s is a %i %s", async (path, status, code) => {
    const res = await call<ErrorBody>("GET", path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});

describe("/__harness/snapshot", () => {
  it("round-trips: export, wipe, import gives the same store", async () => {
    const exported = await call<KvSnapshot>("GET", "/snapshot?prefix=share:");
    expect(exported.status).toBe(200);
    expect(exported.body.entries).toHaveLength(3);
    expect(await call("DELETE", "/kv")).toEqual({
      status: 200,
      body: { cleared: true, restartedMs: expect.any(Number) },
    });
    expect((await harness.kv.list()).keys).toEqual([]);

    const imported = await call<{ loaded: number }>("PUT", "/snapshot", exported.body);
    expect(imported).toEqual({
      status: 200,
      body: { loaded: 3, replaced: false, images: 0, restartedMs: expect.any(Number) },
    });
    const again = await call<KvSnapshot>("GET", "/snapshot?prefix=share:");
    expect(again.body.entries).toEqual(exported.body.entries);
  });

  it("merges an import into the store, or replaces the store with ?replace=true", async () => {
    const exported = (await call<KvSnapshot>("GET", "/snapshot")).body;
    await harness.kv.put("extra", "kept on merge");
    await call("PUT", "/snapshot", exported);
    expect(await harness.kv.get("extra")).toBe("kept on merge");

    const replaced = await call("PUT", "/snapshot?replace=true", exported);
    expect(replaced).toMatchObject({ status: 200, body: { loaded: 3, replaced: true } });
    expect(await harness.kv.get("extra")).toBeNull();
    expect((await harness.kv.snapshot()).entries).toEqual(exported.entries);
    expect((await call<ErrorBody>("PUT", "/snapshot?replace=yes", exported)).status).toBe(400);
  });

  it.each([
    [{ version: 2, takenAt: 0, entries: [] }, "version"],
    [{ version: 1, takenAt: 0, entries: [{ key: "", value: "x" }] }, "entries[0].key"],
    [
      { version: 1, takenAt: 0, entries: [{ key: "k", value: "x", encoding: "hex" }] },
      "entries[0].encoding",
    ],
  ])("PUT %j is a 400 naming %s", async (body, field) => {
    const res = await call<ErrorBody>("PUT", "/snapshot", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });
});

describe("a body nested past any KV value's depth", () => {
  // 200,000 levels: JSON.parse takes it, but walking the value overflowed the stack (a 500).
  const deep = `{"value":"x","metadata":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;

  it.each([
    ["PUT", `/kv/${encodeURIComponent("scratch/deep")}`],
    ["PUT", "/snapshot"],
    ["PUT", "/faults"],
  ])("%s %s is a 400 invalid_json that stores nothing", async (method, path) => {
    const before = (await harness.kv.snapshot()).entries;
    const res = await call<ErrorBody>(method, path, deep);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: "invalid_json",
      message: "Expected a JSON body nested at most 1024 levels deep",
    });
    expect((await harness.kv.snapshot()).entries).toEqual(before);
  });
});

describe("/__harness/logs and /__harness/counters", () => {
  it("count the Worker's KV reads per isolate, and reset", async () => {
    await call("DELETE", "/counters");
    const res = await harness.fetch(`/api/share/${share(2).id}`, undefined, 1);
    expect(res.status).toBe(200);
    const counters = (await call<CountersReport>("GET", "/counters")).body;
    expect(counters.isolates[1]!.reads).toBeGreaterThan(0);
    expect(counters.isolates[0]!.reads).toBe(0);
    const reset = await call<CountersReport>("DELETE", "/counters");
    expect(reset.body.total.reads).toBe(0);
  });

  it("filter the Worker's structured log lines by op, outcome and limit", async () => {
    await harness.fetch(`/api/share/${share(0).id}`, undefined, 0);
    const all = (await call<{ lines: LogLine[] }>("GET", "/logs")).body.lines;
    const ops = all
      .map((line) => line.json?.op)
      .filter((op): op is string => typeof op === "string");
    expect(ops.length).toBeGreaterThan(0);
    const op = ops[0]!;
    const filtered = (await call<{ lines: LogLine[] }>("GET", `/logs?op=${op}`)).body.lines;
    expect(filtered.length).toBe(ops.filter((o) => o === op).length);
    expect(filtered.every((line) => line.json?.op === op)).toBe(true);
    const none = (await call<{ lines: LogLine[] }>("GET", "/logs?outcome=no-such-outcome")).body
      .lines;
    expect(none).toEqual([]);
    expect((await call<{ lines: LogLine[] }>("GET", "/logs?limit=1")).body.lines).toEqual(
      all.slice(-1),
    );
    expect((await call<ErrorBody>("GET", "/logs?limit=none")).status).toBe(400);
  });
});

describe("POST /__harness/restart", () => {
  it("restarts the runtime and keeps the KV data", async () => {
    const before = (await call<HarnessState>("GET", "/state")).body.restarts;
    const res = await call<{ restarted: boolean; restarts: number; ms: number }>(
      "POST",
      "/restart",
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ restarted: true, restarts: before + 1 });
    const worker = await harness.fetch(`/api/share/${share(1).id}`);
    expect(worker.status).toBe(200);
    expect((await call<HarnessState>("GET", "/state")).body.restarts).toBe(before + 1);
  });
});

describe("routes that take no input", () => {
  const routes: [method: string, path: string][] = [
    ["POST", "/restart"],
    ["DELETE", "/faults"],
    ["DELETE", "/kv"],
    ["DELETE", "/kv/share:none"],
    ["DELETE", "/logs"],
    ["DELETE", "/counters"],
  ];

  it.each(routes)("%s %s refuses a malformed body and changes nothing", async (method, path) => {
    const before = await call<HarnessState>("GET", "/state");
    const keys = await harness.kv.list();
    const res = await call<ErrorBody>(method, path, '{"rules":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_json");
    const after = await call<HarnessState>("GET", "/state");
    expect(after.body.restarts).toBe(before.body.restarts);
    expect(await harness.kv.list()).toEqual(keys);
  });

  it.each(routes)("%s %s refuses a field it does not take", async (method, path) => {
    const res = await call<ErrorBody>(method, path, { replace: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_input" });
    expect(res.body.error.message).toContain("replace");
  });

  it("takes {} as no input", async () => {
    const before = (await call<HarnessState>("GET", "/state")).body.restarts;
    const res = await call<{ restarts: number }>("POST", "/restart", {});
    expect(res.status).toBe(200);
    expect(res.body.restarts).toBe(before + 1);
  });
});

describe("unknown control routes", () => {
  it("answer 404 listing the routes instead of reaching the Worker", async () => {
    const res = await call<ErrorBody>("GET", "/faultz");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("route_not_found");
    expect(res.body.error.message).toContain("GET|PUT|POST|DELETE /__harness/faults");
  });
});
