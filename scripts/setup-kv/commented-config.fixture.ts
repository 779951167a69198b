/** @module Test fixture: a wrangler.jsonc dense with comments, trailing commas and a second KV binding. */

/** Worker name `kv-share-worker`; SHARE_DATA_KV holds the placeholder id the repo ships with. */
export const COMMENTED_CONFIG = `/*
 * Block comment before the object: kept as is.
 */
// Line comment with "kv_namespaces" and "SHARE_DATA_KV" inside, which must not confuse the editor.
{
  "$schema": "node_modules/wrangler/config-schema.json", // trailing comment
  "name": "kv-share-worker",
  "main": "src/index.ts", /* inline block */
  "vars": {
    // a URL with // inside a string
    "DOCS": "https://developers.cloudflare.com/kv/",
  },
  "kv_namespaces": [
    // Another binding the script must leave alone.
    { "binding": "OTHER_KV", "id": "0123456789abcdef0123456789abcdef" },
    {
      "binding": "SHARE_DATA_KV",
      // Replaced by scripts/setup-kv-storage.sh with the real namespace ids.
      "id": "share-data-kv-local"
    }, // after the entry
  ],
  // "preview_id": "commented-out, not a key",
  "r2_buckets": [{ "binding": "SHARE_IMAGES", "bucket_name": "share-images" }],
}
// the end
`;
