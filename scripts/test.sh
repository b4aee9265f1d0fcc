#!/usr/bin/env bash
# All of Runway's tests: type check, lint, generated docs, unit and integration tests (which use the
# local stack and start their own emulators). Ends with `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
export PATH="$PWD/node_modules/.bin:$PATH"

passed=0
failed=0
check() {
  local name=$1
  shift
  echo "::group::$name"
  if "$@"; then passed=$((passed + 1)); echo "check passed: $name"; else failed=$((failed + 1)); echo "check FAILED: $name"; fi
  echo "::endgroup::"
}
check "type check" npm run typecheck --silent
check "lint" eslint .
check "format" prettier --check .
check "action.yml and READMEs generated from definitions" tsx scripts/actions-docs.ts --check

results=$(mktemp)
jest --ci --maxWorkers=2 --json --outputFile="$results" "$@"
jest_status=$?
read -r jp jf < <(node -e '
  try { const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites); }
  catch { console.log(0, 1); }' "$results")
passed=$((passed + jp))
failed=$((failed + jf))
[ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ] && failed=$((failed + 1))
rm -f "$results"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
