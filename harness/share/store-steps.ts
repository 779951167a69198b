/**
 * @module harness/share/store-steps
 * What a whole-store change means for the share Worker beyond KV: a share marked `isR2Stored` gets
 * a placeholder image when its object is missing (a loaded share never points at nothing), a
 * wiped store loses the shares' images too, and the memory backend refuses loads (it never reads
 * KV, so a load would change nothing it serves).
 */
import { imageKey } from "../../src/images/store-image.js";
import { readShareRecord } from "../../src/shares/parse.js";
import { SHARE_KEY_PREFIX } from "../../src/shares/record.js";
import type { StoreSteps } from "../node/plugin.js";
import { backendOf } from "./options.js";
import { ControlError } from "../server/control-error.js";
import { PLACEHOLDER_CONTENT_TYPE, placeholderPng } from "../server/placeholder-image.js";

export const shareStoreSteps: StoreSteps = {
  assertLoadable(harness, what) {
    if (backendOf(harness) === "memory") {
      throw new ControlError(
        "memory_backend",
        `${what} writes to KV, which the memory backend does not read. Restart the dev server with the kv backend (npm run dev, without --backend memory).`,
        409,
      );
    }
  },

  async afterLoad(harness, entries) {
    const present = new Set(await harness.r2.list(imageKey("")));
    let written = 0;
    for (const entry of entries) {
      if (!entry.key.startsWith(SHARE_KEY_PREFIX) || entry.encoding === "base64") continue;
      const read = readShareRecord(entry.key, entry.value);
      const share = read.ok ? read.share : undefined;
      if (!share?.isR2Stored || present.has(imageKey(share.id))) continue;
      await harness.r2.put(imageKey(share.id), placeholderPng(share.generatedUrl), {
        contentType: PLACEHOLDER_CONTENT_TYPE,
      });
      written++;
    }
    return written;
  },

  async clear(harness) {
    await harness.r2.clear(imageKey(""));
  },
};
