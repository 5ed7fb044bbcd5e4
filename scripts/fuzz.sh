#!/usr/bin/env bash
# Runs every native Go fuzz target for a bounded time (FUZZTIME, default
# 10s each). On 2 cores the step takes about 2 minutes with a warm build cache and 6-7 cold: compiling each package with fuzz instrumentation costs more than the fuzzing. A crash
# fails the step; go test writes the input to the package's
# testdata/fuzz/<Target>/, where it is kept as a regression seed once fixed.
# Minimising new interesting inputs is cut short, so that the time goes to
# fuzzing (crashers are still minimised within that bound).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
targets=(
  "./domain FuzzText"
  "./domain FuzzIdentifiers"
  "./eventstore FuzzEnvelope"
  "./eventstore FuzzAggregateID"
  "./eventstore FuzzEnvelopeDecoding"
  "./projections FuzzCheckpoint"
  "./projections FuzzParseAsOf"
  "./projections/index FuzzIndexState"
  "./projections/kemendagri FuzzCompareFile"
  "./api FuzzDecodeBody"
  "./api FuzzWrites"
  "./api FuzzReads"
  "./importer FuzzReadWorkbook"
)
# Every FuzzXxx in the module must be listed above.
found=$(grep -rhoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)\(' . | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/' | sort)
listed=$(for t in "${targets[@]}"; do echo "${t#* }"; done | sort)
if [ "$found" != "$listed" ]; then
  echo "scripts/fuzz.sh does not list every fuzz target:"
  diff <(echo "$listed") <(echo "$found") || true
  exit 1
fi
start=$SECONDS
for t in "${targets[@]}"; do
  pkg="${t% *}" name="${t#* }"
  echo "-- $name ($pkg, $fuzztime)"
  if out=$(go test "$pkg" -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime=1s 2>&1); then
    echo "$out" | tail -n 3
    continue
  fi
  echo "$out" | tail -n 60 # the whole reason, not only the last lines
  if [ -n "$(git status --porcelain -- "$pkg/testdata/fuzz")" ]; then
    echo "$name found a crashing input (kept under $pkg/testdata/fuzz)"
    exit 1
  fi
  # No input was written: the fuzzing engine itself failed (a worker that
  # went away), not the code under test. Once more; a second failure fails
  # the step.
  echo "-- $name failed without a crashing input; running it once more"
  go test "$pkg" -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime=1s 2>&1 | tail -n 60
done
echo "fuzzing took $((SECONDS - start))s"
