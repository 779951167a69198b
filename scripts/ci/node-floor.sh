#!/usr/bin/env bash
# The engines floor (package.json "engines.node", e.g. ">=22.12" -> Node 22.12.0) typechecks and
# passes the unit project, as the workflow's node-floor job checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
floor="$(node -p 'require("./package.json").engines.node.replace(/^>=\s*/, "")')"
version="$(node -p "const p = '$floor'.split('.'); [p[0], p[1] ?? 0, p[2] ?? 0].join('.')")"
PATH="$(scripts/node-bin.sh "$version"):$PATH"
echo "node-floor: $(node --version)"
npm run typecheck
npx vitest run --project unit
