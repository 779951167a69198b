import { describe, expect, it } from "vitest";
import { Outbound } from "../node/outbound.js";
import { devOutboundHandlers, isImageRequest } from "./dev-outbound.js";
import { placeholderPng } from "./placeholder-image.js";

describe("isImageRequest", () => {
  it.each([
    ["GET", "https://cdn.example/a/cat.PNG", {}, true],
    ["GET", "https://cdn.example/render?id=1", { accept: "image/*" }, true],
    ["HEAD", "https://cdn.example/x.webp", {}, true],
    ["GET", "https://cdn.example/page.html", {}, false],
    ["GET", "http://cdn.example/cat.png", { accept: "image/*" }, false],
    ["POST", "https://api.example/upload.png", { accept: "image/*" }, false],
  ])("%s %s %j → %s", (method, url, headers, expected) => {
    expect(isImageRequest(new Request(url, { method, headers }))).toBe(expected);
  });
});

describe("devOutboundHandlers", () => {
  const lines: string[] = [];
  const outbound = new Outbound(
    devOutboundHandlers({ info: (l) => lines.push(l), warn: (l) => lines.push(l) }),
  );

  it("answers an image URL with its placeholder PNG and logs that it did", async () => {
    const url = "https://images.example.com/generated/one.jpg";
    const res = await outbound.handle(new Request(url, { headers: { accept: "image/*" } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(placeholderPng(url));
    expect(lines.at(-1)).toContain(
      `[outbound] GET ${url}: answered with a generated placeholder PNG`,
    );
  });

  it("refuses anything else with a 502 that says the dev server has no internet", async () => {
    const res = await outbound.handle(
      new Request("https://api.example.com/v1/things", { method: "POST", body: "{}" }),
    );
    expect(res.status).toBe(502);
    expect(await res.text()).toBe(
      "npm run dev has no internet access, so POST https://api.example.com/v1/things was not sent. " +
        "Image URLs (https, asking for image/* or ending in .png, .jpg, ...) get a placeholder image; " +
        "for anything else, give the harness msw handlers (createHarness({ handlers })).",
    );
    expect(lines.at(-1)).toBe(
      "[outbound] refused POST https://api.example.com/v1/things: the dev server has no internet.",
    );
  });
});
