import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayFixture } from "../../fixtures/replay/index.js";
import { parseFixture } from "../../fixtures/schema.js";
import { createHarness } from "../index.js";
import type { Harness } from "../types.js";
import { createDevApp } from "./dev-server.js";
import { SessionRecorder } from "./recorder.js";

let harness: Harness;
let app: Hono;
const dir = mkdtempSync(join(tmpdir(), "recorder-"));
const fixturesDir = join(dir, "fixtures");

const json = { "content-type": "application/json" };
const createBody = {
  generatedUrl: "https://images.example.com/g.png",
  originalUrl: "https://images.example.com/o.jpg",
  prompt: "A recorded cat",
  style: "ink",
};

beforeAll(async () => {
  harness = await createHarness({ persistTo: "temp", isolates: 2 });
  const recorder = new SessionRecorder({ harness, harnessOptions: { isolates: 2 }, fixturesDir });
  app = createDevApp(harness, "first", recorder);
  mkdirSync(join(fixturesDir, "bugs"), { recursive: true });
});

afterAll(async () => {
  await harness?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  app.request(path, { method: "POST", headers: json, body: JSON.stringify(body) });

describe("session recorder", () => {
  it("records the starting store, requests, isolates and fault changes into a fixture that replays", async () => {
    await harness.kv.put("note:before", "kept");
    const file = join(dir, "session.json");
    expect((await post("/__harness/record/start", { file })).status).toBe(200);

    const created = await post("/api/share", createBody);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await app.request(`/api/share/${id}`, { headers: { "x-harness-isolate": "1" } });
    expect(read.status).toBe(200);
    await app.request("/__harness/faults", {
      method: "PUT",
      headers: json,
      body: JSON.stringify([{ op: "list", kind: "error", status: 503 }]),
    });
    expect((await app.request("/api/shares")).status).toBe(503);
    await app.request("/__harness/faults", { method: "DELETE", headers: json });

    const stopped = await post("/__harness/record/stop", {});
    expect(await stopped.json()).toEqual({ file, requests: 3, entries: 1 });
    const fixture = parseFixture(readFileSync(file, "utf8"), file);
    expect(fixture.source).toEqual({ kind: "dev-session" });
    expect(fixture.kv).toEqual([{ key: "note:before", value: "kept", encoding: "utf8" }]);
    expect(fixture.steps?.map((s) => s.type)).toEqual([
      "request",
      "request",
      "faults",
      "request",
      "faults",
    ]);
    const [create, readStep] = fixture.steps as Extract<
      NonNullable<typeof fixture.steps>[number],
      { type: "request" }
    >[];
    expect(create).toMatchObject({
      method: "POST",
      path: "/api/share",
      body: createBody,
      response: { status: 201 },
    });
    expect(create!.match).toContainEqual({ path: "$.id", match: "share-id" });
    expect(readStep!.response?.body).toMatchObject({ id });

    // The id generated during the session is saved and reused by ref, so the read replays.
    expect(create!.save).toEqual({ as: "id1", path: "$.id" });
    expect(readStep).toMatchObject({
      path: "/api/share/{{id1}}",
      isolate: 1,
      response: { status: 200 },
    });
    const result = await replayFixture(fixture);
    expect(result.divergences).toEqual([]);
  });

  it("refuses to stop when nothing is recorded", async () => {
    const res = await post("/__harness/record/stop", {});
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Not recording");
  });

  it("lists fixture files and loads one into the store", async () => {
    const file = join(fixturesDir, "bugs", "one.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        description: "one entry",
        capturedAt: "2026-01-01T00:00:00.000Z",
        kv: [{ key: "fixture:key", value: "from the fixture" }],
      }),
    );
    const listed = (await (await app.request("/__harness/fixtures")).json()) as {
      fixtures: string[];
    };
    expect(listed.fixtures.some((f) => f.endsWith(join("fixtures", "bugs", "one.json")))).toBe(
      true,
    );

    const loaded = await post("/__harness/fixtures/load", { path: file });
    expect(await loaded.json()).toEqual({
      loaded: file,
      description: "one entry",
      entries: 1,
      images: 0,
      restartedMs: expect.any(Number),
    });
    expect(await harness.kv.get("fixture:key")).toBe("from the fixture");
    expect(await harness.kv.get("note:before")).toBeNull();

    const outside = await post("/__harness/fixtures/load", { path: join(dir, "session.json") });
    expect(outside.status).toBe(400);
  });
});

describe("session recorder with a secret", () => {
  const token = "s3cret-admin-token-value";
  let secretHarness: Harness;

  beforeAll(async () => {
    secretHarness = await createHarness({ persistTo: "temp", vars: { ADMIN_TOKEN: token } });
  });
  afterAll(async () => {
    await secretHarness?.dispose();
  });

  it("writes no secret value, and the fixture still replays its authorised delete", async () => {
    const recorder = new SessionRecorder({
      harness: secretHarness,
      harnessOptions: { vars: { ADMIN_TOKEN: token, KV_WRITE_FALLBACK: "reject" } },
      secrets: { ADMIN_TOKEN: token },
      fixturesDir,
    });
    const secretApp = createDevApp(secretHarness, "first", recorder);
    const file = join(dir, "secret-session.json");
    await recorder.start(file);
    const created = await secretApp.request("/api/share", {
      method: "POST",
      headers: json,
      body: JSON.stringify(createBody),
    });
    const { id } = (await created.json()) as { id: string };
    const deleted = await secretApp.request(`/api/share/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    await recorder.stop();

    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(token);
    const fixture = parseFixture(text, file);
    expect(fixture.harness?.vars).toEqual({
      ADMIN_TOKEN: "redacted-ADMIN_TOKEN",
      KV_WRITE_FALLBACK: "reject",
    });
    expect(fixture.steps?.[1]).toMatchObject({
      method: "DELETE",
      headers: { authorization: "Bearer redacted-ADMIN_TOKEN" },
      response: { status: 204 },
    });
    const result = await replayFixture(fixture);
    expect(result.divergences).toEqual([]);
  });
});
