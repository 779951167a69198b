import { describe, expect, it } from "vitest";
import { postShare } from "./client.js";
import { useUnitWorker } from "./testing/unit-worker.js";

const unit = useUnitWorker();

/** The typed client, its requests served by the Worker in workerd (no network). */
const client = () => unit.client(unit.env("memory"));

/** One valid create body. */
const BODY = {
  prompt: "a lighthouse at dusk",
  generatedUrl: "https://img.example.com/gen/1.png",
  originalUrl: "https://img.example.com/orig/1.jpg",
  style: "watercolor",
};

describe("the typed client (hc<AppType>)", () => {
  it("creates, reads and lists a share with the types the routes declare", async () => {
    const api = client();
    const created = await api.api.share.$post({ json: BODY });
    expect(created.status).toBe(201);
    // The create answer is built by shareAnswer() as a plain Response, so its body is untyped.
    const share = (await created.json()) as { id: string };

    const read = await api.api.share[":id"].$get({ param: { id: share.id } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: share.id, prompt: "a lighthouse at dusk" });

    const page = await api.api.shares.$get({ query: { limit: "5" } });
    expect(page.status).toBe(200);
    const listed = await page.json();
    expect("shares" in listed && listed.shares.map((s) => s.id)).toContain(share.id);
  });

  it("answers a bad body with the documented error shape", async () => {
    const res = await client().api.share.$post({
      json: { prompt: "", generatedUrl: "ftp://x", originalUrl: "", style: "" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("postShare sends a create body as JSON and a raw body as it is, with its content type", async () => {
    const keyed = await postShare(client(), BODY, { headers: { "idempotency-key": '"k-1"' } });
    expect(keyed.status).toBe(201);
    const again = await postShare(client(), JSON.stringify(BODY), {
      headers: { "idempotency-key": '"k-1"' },
    });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(
      ((await keyed.json()) as { id: string }).id,
    );
    const asText = await postShare(client(), JSON.stringify(BODY), { contentType: "text/plain" });
    expect(asText.status).toBe(415);
    const broken = await postShare(client(), "{not json");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: "invalid_json" } });
  });
});

describe("postShare's Content-Type option with an object body", () => {
  it("sends the object under the type given: refused as text/plain, created as JSON with a charset", async () => {
    const plain = await postShare(client(), BODY, { contentType: "text/plain" });
    expect(plain.status).toBe(415);
    const charset = await postShare(client(), BODY, {
      contentType: "application/json; charset=utf-8",
    });
    expect(charset.status).toBe(201);
    expect(((await charset.json()) as { prompt: string }).prompt).toBe(BODY.prompt);
  });
});
