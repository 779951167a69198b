/**
 * How `GET /images/:id` serves an object it cannot vouch for: one written to R2 before the
 * magic-byte check (HTML, script, no type at all) is downloaded as bytes, never rendered.
 */
import { describe, expect, it } from "vitest";
import { imageKey } from "../images/store-image.js";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();

describe("GET /images/:id of a legacy object that is not a stored raster type", () => {
  it.each([
    ["text/html", "<script>alert(1)</script>"],
    ["image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    [undefined, "<html><script>alert(1)</script></html>"],
  ])("serves a %s object as an octet-stream attachment, sandboxed", async (type, text) => {
    const env = unit.env("kv");
    const res = await unit.postShare(env, validBody(1));
    const { id } = (await res.json()) as { id: string };
    await unit.r2.put(imageKey(id), text, type);

    const img = await unit.request(env, `/images/${id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("application/octet-stream");
    expect(img.headers.get("content-disposition")).toBe(`attachment; filename="${id}"`);
    expect(img.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(img.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await img.text()).toBe(text);
  });
});
