/**
 * The share API's OpenAPI document tells the truth: it is valid OpenAPI 3.1 (checked by a
 * validator we did not write), it lists exactly the routes the Worker serves, every error code is
 * documented, the input rules it states are the ones the Worker enforces, and the Worker's real
 * answers match the documented response schemas.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { ERROR_CODES } from "../errors.js";
import { schemaProblems } from "../testing/openapi-schemas.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";
import { shareApiDocument } from "./share-api.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document walked by path
const doc = shareApiDocument() as any;
const unit = useUnitWorker();
const env = () => unit.env("kv");

const matches = schemaProblems(doc);

const createBody = doc.paths["/api/share"].post.requestBody;
const createSchema = createBody.content["application/json"].schema;

describe("the share API document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lists exactly the routes the Worker serves", () => {
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  it("documents every error code the Worker answers with", () => {
    const text = JSON.stringify(doc.paths);
    expect(ERROR_CODES.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
  });

  it("is what the Worker serves at /openapi.json", async () => {
    const res = await unit.request(env(), "/openapi.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});

describe("the input rules it states are the ones the Worker enforces", () => {
  const post = (body: unknown) => unit.postShare(env(), body);

  it("prompt: the documented maximum is accepted, one more character refused", async () => {
    const max = createSchema.properties.prompt.maxLength as number;
    expect((await post({ ...validBody(), prompt: "p".repeat(max) })).status).toBe(201);
    const over = await post({ ...validBody(), prompt: "p".repeat(max + 1) });
    expect(over.status).toBe(400);
    expect(matches("Error", await over.json())).toEqual([]);
  });

  it("style: the Worker accepts exactly the strings the documented pattern matches", async () => {
    const pattern = new RegExp(createSchema.properties.style.pattern as string);
    const style = fc.oneof(
      fc.stringMatching(pattern),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom("a", "Z", "-", "_", "9", " "), maxLength: 34 }),
    );
    await fc.assert(
      fc.asyncProperty(style, async (s) => {
        const res = await post({ ...validBody(), style: s });
        expect(res.status).toBe(pattern.test(s) ? 201 : 400);
      }),
      { numRuns: 40 },
    );
  });

  it("URLs: the documented maximum length holds, and http: is refused", async () => {
    const max = createSchema.properties.generatedUrl.maxLength as number;
    const url = (length: number) => {
      const base = "https://images.example.com/";
      return base + "a".repeat(length - base.length);
    };
    expect((await post({ ...validBody(), generatedUrl: url(max) })).status).toBe(201);
    expect((await post({ ...validBody(), generatedUrl: url(max + 1) })).status).toBe(400);
    expect(
      (await post({ ...validBody(), originalUrl: "http://images.example.com/o.png" })).status,
    ).toBe(400);
  });

  it("unknown keys are refused, as additionalProperties: false says", async () => {
    expect(createSchema.additionalProperties).toBe(false);
    const res = await post({ ...validBody(), colour: "red" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("the body limit in the document is the one the Worker applies", async () => {
    const limit = Number(/at most (\d+) bytes/.exec(createBody.description as string)![1]);
    const padded = (size: number) => {
      const body = JSON.stringify({ ...validBody(), prompt: "p" });
      return body.replace(/}$/, `${" ".repeat(size - body.length)}}`);
    };
    const init = (body: string) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect((await unit.request(env(), "/api/share", init(padded(limit)))).status).toBe(201);
    const over = await unit.request(env(), "/api/share", init(padded(limit + 1)));
    expect(over.status).toBe(413);
  });

  it("limit: the documented range is accepted, and its ends are tight", async () => {
    const limit = doc.paths["/api/shares"].get.parameters.find(
      (p: { name: string }) => p.name === "limit",
    ).schema;
    for (const [value, status] of [
      [limit.minimum, 200],
      [limit.maximum, 200],
      [limit.minimum - 1, 400],
      [limit.maximum + 1, 400],
    ]) {
      const res = await unit.request(env(), `/api/shares?limit=${value}`);
      expect({ value, status: res.status }).toEqual({ value, status });
    }
  });
});

describe("the Worker's answers match the documented schemas", () => {
  it("create, read, list, monitoring, health and errors", async () => {
    const created = await unit.postShare(env(), validBody());
    const share = (await created.json()) as { id: string };
    expect(matches("CreatedShare", share)).toEqual([]);
    const read = await unit.request(env(), `/api/share/${share.id}`);
    expect(matches("ShareData", await read.json())).toEqual([]);
    const list = await unit.request(env(), "/api/shares?limit=5");
    expect(matches("ShareList", await list.json())).toEqual([]);
    expect(
      matches("Monitoring", await (await unit.request(env(), "/api/monitoring")).json()),
    ).toEqual([]);
    expect(matches("Health", await (await unit.request(env(), "/healthz")).json())).toEqual([]);
    for (const [path, init] of [
      ["/api/share/nope!", {}],
      ["/api/share/7YBQ64NH8N2VPFVBH5", {}],
      ["/api/share/7YBQ64NH8N2VPFVBH5", { method: "PUT" }],
      ["/api/share", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } }],
    ] as const) {
      const res = await unit.request(env(), path, init);
      expect(matches("Error", await res.json())).toEqual([]);
    }
  });
});
