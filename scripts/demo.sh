#!/usr/bin/env bash
# The main job: sets up the local stack, then runs the demo pipeline (scripts/demo.ts) on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec tsx scripts/demo.ts "$@"
