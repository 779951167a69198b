#!/usr/bin/env bash
# Puts the Node.js this project wants (.nvmrc: the major version) first on PATH when the machine's
# Node is older, e.g. a Debian or CI image with Node 20, which reached end of life on 2026-04-30.
# The build comes from the npm registry (`scripts/node-bin.sh`) and is kept in ~/.cache/node-<version>.
#
#   source scripts/use-node.sh      # then `node --version` prints v24.x
#
# NODE_VERSION overrides the exact build (default below, a Node 24 LTS release). Linux x64 only;
# elsewhere install Node 24 from https://nodejs.org or with nvm (`nvm use` reads .nvmrc).
_use_node() {
  local root want have bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  want="$(tr -dc '0-9.' <"$root/.nvmrc" | cut -d. -f1)"
  have="$(node --version 2>/dev/null | tr -dc '0-9.' | cut -d. -f1)"
  if [ -n "$have" ] && [ "$have" -ge "$want" ]; then
    echo "use-node: Node $(node --version) already satisfies .nvmrc ($want)"
    return 0
  fi
  bin="$("$root/scripts/node-bin.sh" "${NODE_VERSION:-24.22.3}")" || return 1
  export PATH="$bin:$PATH"
  hash -r
  echo "use-node: using Node $(node --version) from $bin (machine's Node: ${have:-none})"
}
_use_node
