/**
 * @module images/store-image
 * Copies a share's generated image into R2 (`images/{id}`): only from public https hosts (checked
 * on every redirect hop, see `fetch-image`), at most 10 MiB (checked on Content-Length and while
 * streaming), within a timeout, and only when the bytes are PNG, JPEG, GIF, WebP or AVIF (see
 * `image-format`). Never throws: a failure is returned as a reason so the share is still created.
 */
import { fetchImage } from "./fetch-image.js";
import { sniffImageType } from "./image-format.js";
import { IMAGE_PREFIX } from "./lifecycle.js";

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export type StoreImageResult = { stored: true } | { stored: false; reason: string };

export interface StoreImageOptions {
  id: string;
  url: string;
  bucket: R2Bucket | undefined;
  timeoutMs: number;
  /** Injected in tests; the Worker's global fetch otherwise. */
  fetchImpl?: typeof fetch;
}

export function imageKey(id: string): string {
  return `${IMAGE_PREFIX}${id}`;
}

const tooLarge = (): StoreImageResult => ({
  stored: false,
  reason: `The image is larger than ${MAX_IMAGE_BYTES} bytes`,
});

export async function storeImage(options: StoreImageOptions): Promise<StoreImageResult> {
  const { id, url, bucket, timeoutMs } = options;
  if (!bucket) return { stored: false, reason: "Image storage (SHARE_IMAGES) is not configured" };
  try {
    const fetched = await fetchImage(
      url,
      options.fetchImpl ?? fetch,
      AbortSignal.timeout(timeoutMs),
    );
    if (!fetched.ok) return { stored: false, reason: fetched.reason };
    const res = fetched.response;
    if (!res.ok) {
      await res.body?.cancel();
      return { stored: false, reason: `The image URL answered ${res.status}` };
    }
    if (Number(res.headers.get("content-length") ?? "0") > MAX_IMAGE_BYTES) {
      await res.body?.cancel();
      return tooLarge();
    }
    const body = await readLimited(res, MAX_IMAGE_BYTES);
    if (!body) return tooLarge();
    const contentType = sniffImageType(body);
    if (!contentType) {
      const declared = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
      return {
        stored: false,
        reason: `Not a PNG, JPEG, GIF, WebP or AVIF image (content-type ${declared || "missing"}; only the bytes count)`,
      };
    }
    await bucket.put(imageKey(id), body, { httpMetadata: { contentType } });
    return { stored: true };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { stored: false, reason: `Fetching the image timed out after ${timeoutMs} ms` };
    }
    return { stored: false, reason: "The image could not be fetched or stored" };
  }
}

/** The body as bytes, or undefined once it exceeds `max` (the stream is cancelled). */
async function readLimited(res: Response, max: number): Promise<Uint8Array | undefined> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
