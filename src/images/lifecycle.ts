/**
 * @module images/lifecycle
 * The R2 lifecycle rule that ends an image copy with its share: objects under `images/` expire
 * SHARE_TTL_SECONDS (30 days) after upload, the TTL the share's KV record gets at the same create.
 * `scripts/setup-kv-storage` puts this rule on the bucket (`wrangler r2 bucket lifecycle add`); the
 * harness applies it on its virtual clock. One definition, so the two cannot drift.
 */
import { SHARE_TTL_SECONDS } from "../shares/schema.js";

export const IMAGE_PREFIX = "images/";

export const IMAGE_LIFECYCLE_RULE = {
  /** The rule's id on the bucket (`wrangler r2 bucket lifecycle list` shows it as `name`). */
  name: "expire-share-images",
  prefix: IMAGE_PREFIX,
  expireDays: SHARE_TTL_SECONDS / 86_400,
} as const;
