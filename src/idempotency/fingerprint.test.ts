import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CreateShareInput } from "../shares/create-schema.js";
import { fingerprint, hashKey } from "./fingerprint.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const body: CreateShareInput = {
  generatedUrl: "https://images.example.com/a.png",
  originalUrl: "https://example.com/a",
  prompt: "a lighthouse at dusk",
  style: "watercolor",
};

describe("hashKey", () => {
  it("is the SHA-256 hex of the key, so records stored by earlier releases still match", async () => {
    for (const key of ["order-42", "k", "{x}"]) {
      expect(await hashKey(key)).toBe(sha256(`idempotency-key\n${key}`));
    }
  });
});

describe("fingerprint", () => {
  it("is the SHA-256 hex of the body's fields in a fixed order, unchanged across releases", async () => {
    expect(await fingerprint(body)).toBe(
      sha256(JSON.stringify([body.generatedUrl, body.originalUrl, body.prompt, body.style, false])),
    );
  });

  it("tells a create that copies the image from one that does not; unset means not copied", async () => {
    const copied = await fingerprint({ ...body, storeImage: true });
    expect(copied).toBe(
      sha256(JSON.stringify([body.generatedUrl, body.originalUrl, body.prompt, body.style, true])),
    );
    expect(await fingerprint({ ...body, storeImage: false })).toBe(await fingerprint(body));
  });
});
