/**
 * The reasons a share's creator reads when its image is not copied, word for word, and the
 * copy's bytes at the size limit.
 */
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { storeImageCalls } from "../testing/store-image-calls.js";
import { useUnitWorker } from "../testing/unit-worker.js";
import { MAX_IMAGE_BYTES } from "./store-image.js";

const unit = useUnitWorker();
const { serve, store } = storeImageCalls(unit);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe("storeImage's reasons", () => {
  it("says the bucket is not configured, and fetches nothing", async () => {
    serve(() => new HttpResponse(new Uint8Array(PNG_SIGNATURE)));
    expect(await store({ bucket: false })).toEqual({
      stored: false,
      reason: "Image storage (SHARE_IMAGES) is not configured",
    });
    expect(unit.outboundSeen).toEqual([]);
  });

  it("gives the status of an error answer without a body", async () => {
    serve(() => new HttpResponse(null, { status: 404 }));
    expect(await store()).toEqual({ stored: false, reason: "The image URL answered 404" });
  });

  it("calls an empty success (204) not an image", async () => {
    serve(() => new HttpResponse(null, { status: 204 }));
    expect(await store()).toEqual({
      stored: false,
      reason:
        "Not a PNG, JPEG, GIF, WebP or AVIF image (content-type missing; only the bytes count)",
    });
  });

  it("names the declared type without its parameters, or says it is missing", async () => {
    serve(() => new HttpResponse("<p>hi</p>", { headers: { "content-type": "Text/HTML ; a=b" } }));
    expect(await store()).toEqual({
      stored: false,
      reason:
        "Not a PNG, JPEG, GIF, WebP or AVIF image (content-type Text/HTML; only the bytes count)",
    });
    serve(() => new HttpResponse(null, { status: 200 }));
    expect(await store()).toEqual({
      stored: false,
      reason:
        "Not a PNG, JPEG, GIF, WebP or AVIF image (content-type missing; only the bytes count)",
    });
  });

  it("says how long it waited for a server that never answers", async () => {
    let release = () => {};
    const never = new Promise<void>((resolve) => (release = resolve));
    serve(async () => {
      await never;
      return new HttpResponse("late");
    });
    try {
      expect(await store({ id: "slow1", timeoutMs: 50 })).toEqual({
        stored: false,
        reason: "Fetching the image timed out after 50 ms",
      });
      expect(await unit.r2.has("images/slow1")).toBe(false);
    } finally {
      release();
    }
  });
});

describe("storeImage at the size limit", () => {
  it("copies an image of exactly the limit, declared and sent in chunks, byte for byte", async () => {
    const bytes = new Uint8Array(MAX_IMAGE_BYTES);
    bytes.set(PNG_SIGNATURE);
    for (let i = PNG_SIGNATURE.length; i < bytes.length; i += 4093) bytes[i] = i % 251;
    const half = MAX_IMAGE_BYTES / 2;
    serve(
      () =>
        new HttpResponse(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(bytes.slice(0, half));
              controller.enqueue(bytes.slice(half));
              controller.close();
            },
          }),
          { headers: { "content-length": String(MAX_IMAGE_BYTES) } },
        ),
    );
    expect(await store()).toEqual({ stored: true });
    const copy = await unit.r2.get("images/img1");
    expect(copy!.contentType).toBe("image/png");
    expect(Buffer.from(copy!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
