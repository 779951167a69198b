#!/bin/sh
# Creates the SHARE_DATA_KV namespaces and writes their ids into wrangler.jsonc (wrangler 4).
# Thin launcher: the logic lives in setup-kv-storage.ts. Flags: see --help.
set -e

case "$0" in
  */*) here="${0%/*}" ;;
  *) here="." ;;
esac
# Run from the project root, like `npm run setup:kv`, so wrangler.jsonc and node_modules are found.
cd "$here/.."

if ! command -v node >/dev/null 2>&1; then
  echo "setup-kv-storage: Node.js was not found on PATH. Install Node.js 22.12 or newer (24 LTS recommended) (https://nodejs.org)," >&2
  echo "run \`npm install\` in the project root, then run this script again." >&2
  exit 127
fi

if [ -x node_modules/.bin/tsx ]; then
  exec node_modules/.bin/tsx scripts/setup-kv-storage.ts "$@"
fi
exec npx --yes tsx scripts/setup-kv-storage.ts "$@"
