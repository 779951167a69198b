/**
 * @module images/store-image
 * Copies a share's generated image into R2 (`images/{id}`): https only, image/* only, at most
 * 10 MiB (checked on Content-Length and while streaming), with a timeout. Never throws: a failure
 * is returned as a reason so the share is still created.
 */

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
  return `images/${id}`;
}

export async function storeImage(options: StoreImageOptions): Promise<StoreImageResult> {
  const { id, url, bucket, timeoutMs } = options;
  if (!bucket) return { stored: false, reason: "Image storage (SHARE_IMAGES) is not configured" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { stored: false, reason: "generatedUrl is not a URL" };
  }
  if (parsed.protocol !== "https:")
    return { stored: false, reason: "Only https images are fetched" };
  const fetchImpl = options.fetchImpl ?? fetch;
  try {
    const res = await fetchImpl(parsed.toString(), {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "follow",
      headers: { accept: "image/*" },
    });
    if (res.url && !res.url.startsWith("https:")) {
      await res.body?.cancel();
      return { stored: false, reason: "The image redirected to a non-https URL" };
    }
    if (!res.ok) {
      await res.body?.cancel();
      return { stored: false, reason: `The image URL answered ${res.status}` };
    }
    const contentType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!contentType.startsWith("image/")) {
      await res.body?.cancel();
      return { stored: false, reason: `Not an image (content-type ${contentType || "missing"})` };
    }
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > MAX_IMAGE_BYTES) {
      await res.body?.cancel();
      return { stored: false, reason: `The image is larger than ${MAX_IMAGE_BYTES} bytes` };
    }
    const body = await readLimited(res, MAX_IMAGE_BYTES);
    if (!body)
      return { stored: false, reason: `The image is larger than ${MAX_IMAGE_BYTES} bytes` };
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
