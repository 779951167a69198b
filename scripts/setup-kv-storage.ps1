# Creates the SHARE_DATA_KV namespaces and writes their ids into wrangler.jsonc (wrangler 4).
# Thin launcher: the logic lives in setup-kv-storage.ts. Flags: see -- --help, e.g.
#   .\scripts\setup-kv-storage.ps1 --dry-run
$ErrorActionPreference = 'Stop'

if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
  [Console]::Error.WriteLine('setup-kv-storage: Node.js was not found on PATH. Install Node.js 22.12 or newer (24 LTS recommended) (https://nodejs.org), run `npm install` in the project root, then run this script again.')
  exit 127
}

# Run from the project root, like `npm run setup:kv`, so wrangler.jsonc and node_modules are found.
Push-Location (Join-Path $PSScriptRoot '..')
try {
  $tsx = Join-Path 'node_modules' '.bin' | Join-Path -ChildPath 'tsx.cmd'
  if (-not $IsWindows -and $PSVersionTable.PSEdition -eq 'Core') { $tsx = Join-Path 'node_modules' '.bin' | Join-Path -ChildPath 'tsx' }
  if (Test-Path $tsx) {
    & $tsx 'scripts/setup-kv-storage.ts' @args
  } else {
    & npx --yes tsx 'scripts/setup-kv-storage.ts' @args
  }
  exit $LASTEXITCODE
} finally {
  Pop-Location
}
