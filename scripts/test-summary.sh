#!/usr/bin/env bash
# Prints one plain closing line for a `swift test` log: "tests: N passed, M failed".
# (Swift Testing's own summary counts tests and issues; CI readers want passed/failed.)
set -euo pipefail
log=${1:?usage: scripts/test-summary.sh TEST.log}
total=$(grep -Eo 'Test run with [0-9]+ tests' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Ec '^✘ Test [^ ]+\(.*\) failed' "$log" || true)
echo "tests: $((total - failed)) passed, ${failed} failed"
